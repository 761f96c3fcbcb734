using System.Net;
using System.Text.Json;
using Scheduling.Silo.Tests.Harness;
using Scheduling.TestSupport;

namespace Scheduling.Silo.Tests;

/// <summary>The worker silo executable, run as operators run it: a process on PostgreSQL, stopped with SIGTERM.</summary>
public sealed class WorkerSiloTests : IAsyncLifetime
{
    private readonly int _dashboardPort = FreePorts.Next();
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task WorkerOnPostgresIsReadyWithWorkersOnAndStopsGracefullyOnSigterm()
    {
        var port = LocalPorts.FreeRange(1);
        await using var worker = StartWorker(port, new Dictionary<string, string>
        {
            ["Host__ShutdownTimeout"] = "00:00:07",
            ["Logging__Console__FormatterName"] = "json",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var ready = await WaitReadyAsync(worker, http);
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal("test-worker", ready.GetProperty("silo").GetString());
        Assert.Equal("postgresql", ready.GetProperty("storage").GetString());
        Assert.True(ready.GetProperty("workers").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v2/tz/list")).StatusCode);

        // The Orleans Dashboard answers on its own (loopback) listener, and only there.
        using (var dashboard = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_dashboardPort}") })
        {
            var page = await dashboard.GetAsync("/dashboard/");
            Assert.True(page.IsSuccessStatusCode, $"dashboard: {(int)page.StatusCode}");
            Assert.Contains("Orleans", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/")).StatusCode);

        await worker.TerminateAsync();
        await worker.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(worker.ExitCode == 0, $"exit code {worker.ExitCode}:\n{worker.Output}");
        var entries = worker.Lines.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.NotEmpty(entries);
        Assert.Contains(entries, e => e.GetProperty("Message").GetString()!.StartsWith("Silo test-worker (", StringComparison.Ordinal)
            && e.GetProperty("Message").GetString()!.Contains(") started: storage postgresql", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.GetProperty("Message").GetString()!.StartsWith("Silo test-worker (", StringComparison.Ordinal)
            && e.GetProperty("Message").GetString()!.Contains(") stopping within 00:00:07", StringComparison.Ordinal));
        Assert.All(entries, e => Assert.True(e.TryGetProperty("Timestamp", out _) && e.TryGetProperty("Scopes", out _), e.ToString()));
    }

    [Fact]
    public async Task WorkerDoesNotLogEveryDatabaseCommandOfItsPollingLoops()
    {
        var port = LocalPorts.FreeRange(1);
        await using var worker = StartWorker(port, new Dictionary<string, string>
        {
            // Poll fast, so a few seconds hold many passes of both workers.
            ["Workers__ReminderPollInterval"] = "00:00:00.050",
        });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitReadyAsync(worker, http);

        await worker.TerminateAsync();
        await worker.WaitForExitAsync(TimeSpan.FromSeconds(40));

        Assert.Contains(worker.Lines, l => l.Contains("Silo test-worker (", StringComparison.Ordinal) && l.Contains(") started", StringComparison.Ordinal));
        Assert.DoesNotContain(worker.Lines, l => l.Contains("Npgsql.Command", StringComparison.Ordinal));
    }

    private ChildProcess StartWorker(int port, Dictionary<string, string> settings)
    {
        var dll = Path.Combine(BuildOutput.SiloDirectory, "Scheduling.Silo.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        settings["Storage__Provider"] = "Postgres";
        settings["ConnectionStrings__Postgres"] = _database.ConnectionString;
        settings["Workers__SiloName"] = "test-worker";
        settings["Dashboard__Url"] = $"http://127.0.0.1:{_dashboardPort}";
        foreach (var (key, value) in FreePorts.OrleansSettings())
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value!;
        }

        return ChildProcess.Start("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"], BuildOutput.SiloDirectory, settings);
    }

    private static async Task<JsonElement> WaitReadyAsync(ChildProcess worker, HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !worker.HasExited)
        {
            try
            {
                var response = await http.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        Assert.Fail($"the worker did not become ready:\n{worker.Output}");
        return default;
    }
}
