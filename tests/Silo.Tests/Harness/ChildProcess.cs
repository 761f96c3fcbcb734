using System.Collections.Concurrent;
using System.Diagnostics;

namespace Scheduling.Silo.Tests.Harness;

/// <summary>
/// A process the test started, its output collected line by line. Disposing kills it (and its children)
/// if it still runs, so a failed test leaves nothing behind.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ChildProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>stdout and stderr, interleaved in arrival order.</summary>
    public IReadOnlyList<string> Lines => [.. _output];

    public string Output => string.Join('\n', _output);

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Add(e.Data);
        process.ErrorDataReceived += (_, e) => child.Add(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs to completion; fails the test with the output when it takes longer than <paramref name="timeout"/>.</summary>
    public static async Task<ChildProcess> RunAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var child = Start(fileName, arguments, workingDirectory, environment);
        await child.WaitForExitAsync(timeout);
        return child;
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{_process.StartInfo.FileName} did not exit within {timeout}:\n{Output}");
        }
    }

    /// <summary>SIGTERM: what docker stop, systemd and the cluster script send; the host starts its graceful stop.</summary>
    public async Task TerminateAsync()
    {
        var kill = await RunAsync("kill", ["-TERM", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], Environment.CurrentDirectory, TimeSpan.FromSeconds(10));
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>
    /// SIGKILL (kill -9): the process dies at once, without a graceful stop; its sockets are closed by the kernel and
    /// nothing it held (membership row, leases) is released by it. Returns once the process has exited.
    /// </summary>
    public async Task KillAsync(TimeSpan timeout)
    {
        // Process.Kill() without the tree sends SIGKILL to this one process on Unix: `dotnet app.dll` runs in it.
        _process.Kill();
        await WaitForExitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
