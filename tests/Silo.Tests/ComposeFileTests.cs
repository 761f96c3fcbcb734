using System.Text.RegularExpressions;
using Scheduling.Silo.Tests.Harness;
using Scheduling.TestSupport;

namespace Scheduling.Silo.Tests;

/// <summary>
/// docker-compose.yml as Debian's docker-compose reads it. There is no Docker engine here: `config` only
/// parses, merges and resolves the file, which is what can be checked without one.
/// </summary>
public sealed class ComposeFileTests
{
    [Fact]
    public async Task ComposeFileIsValid()
    {
        var config = await ComposeAsync("config", "-q");

        Assert.True(config.ExitCode == 0, config.Output);
        Assert.Empty(config.Lines);
    }

    [Fact]
    public async Task ComposeFileDeclaresTheWholeTopology()
    {
        var services = await ComposeAsync("config", "--services");

        Assert.True(services.ExitCode == 0, services.Output);
        Assert.Equal(
            ["apihost1", "apihost2", "grafana", "nginx", "otel-collector", "postgres", "prometheus", "silo", "tempo"],
            services.Lines.Where(l => l.Length > 0).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryFileTheComposeFileMountsOrBuildsFromExists()
    {
        var config = await ComposeAsync("config");
        Assert.True(config.ExitCode == 0, config.Output);

        // Resolved bind mounts read "- /absolute/source:/target[:ro]"; builds name a dockerfile relative to their context.
        var root = RepositoryPaths.Root;
        var mounts = config.Lines
            .Select(l => Regex.Match(l, @"^\s*-\s+(?<source>/[^:]+):/"))
            .Where(m => m.Success)
            .Select(m => m.Groups["source"].Value)
            .ToList();
        var dockerfiles = config.Lines
            .Select(l => Regex.Match(l, @"^\s*dockerfile:\s*(?<path>\S+)"))
            .Where(m => m.Success)
            .Select(m => Path.Combine(root, m.Groups["path"].Value))
            .ToList();

        Assert.Contains(Path.Combine(root, "dashboards"), mounts);
        Assert.Equal(2, dockerfiles.Distinct().Count());
        Assert.All(mounts, m => Assert.True(File.Exists(m) || Directory.Exists(m), $"{m} does not exist"));
        Assert.All(dockerfiles, d => Assert.True(File.Exists(d), $"{d} does not exist"));
    }

    private static Task<ChildProcess> ComposeAsync(params string[] arguments)
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, "docker-compose")));
        Assert.True(onPath, "docker-compose is not installed: apt-get install docker-compose (scripts/test.sh does)");
        return ChildProcess.RunAsync(
            "docker-compose",
            ["-f", RepositoryPaths.Combine("docker-compose.yml"), .. arguments],
            RepositoryPaths.Root,
            TimeSpan.FromMinutes(1));
    }
}
