using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Scheduling.Silo.Hosting;

namespace Scheduling.Silo;

/// <summary>
/// A worker silo: grains and the background workers (stream delivery for webhooks, reminders) on the
/// shared storage. No API: its HTTP port answers health probes only. API hosts run with
/// Workers:Enabled=false and leave the background work to silos like this one. Operators reach the Orleans Dashboard
/// here (<see cref="OperatorDashboard"/>).
/// </summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = WorkerDefaults });
        builder.AddSchedulingSilo();
        builder.AddWorkerHealth();
        builder.AddOperatorDashboard();

        var app = builder.Build();
        app.MapWorkerHealth();
        app.MapOperatorDashboard(builder.Configuration);
        await app.RunAsync();
    }

    /// <summary>
    /// Defaults beneath every other source (appsettings, environment and command line override them). In
    /// code rather than an appsettings.json: this project's content files would flow into the API host.
    /// </summary>
    private static Dictionary<string, string?> WorkerDefaults => new()
    {
        // Probes hit the health port every few seconds; their request logs are noise.
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        // A worker's log lines come from background passes; the scopes carry their trace ids.
        ["Logging:Console:FormatterOptions:IncludeScopes"] = "true",
        // Operators open the Orleans Dashboard here (OperatorDashboard).
        ["Dashboard:Enabled"] = "true",
    };
}
