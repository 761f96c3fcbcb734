using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Scheduling.Grains.Storage;

namespace Scheduling.Silo.Hosting;

/// <summary>
/// Process-level settings every silo host shares (the worker and the API hosts): how long a stop may
/// take, and console logs that carry trace ids.
/// </summary>
public static class SiloHosting
{
    /// <summary>Configuration section bound to <see cref="HostOptions"/> (e.g. <c>Host:ShutdownTimeout</c>).</summary>
    public const string HostSectionName = "Host";

    public static TBuilder AddSiloHosting<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;

        // Npgsql logs every command at Information, and the workers poll every second: on an idle silo that
        // would be nearly the whole log; Orleans logs every option and every stream agent at start, and Polly (which
        // Orleans uses for its retries) every attempt. Defaults beneath every other source, so configuration can undo them.
        configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData =
            [
                new("Logging:LogLevel:Npgsql", "Warning"),
                new("Logging:LogLevel:Orleans", "Warning"),
                new("Logging:LogLevel:Polly", "Warning"),
            ],
        });

        // Host:ShutdownTimeout bounds the whole stop: Kestrel draining, workers finishing their pass,
        // grains deactivating. Keep it below the orchestrator's kill timeout (docker stop_grace_period).
        builder.Services.Configure<HostOptions>(configuration.GetSection(HostSectionName));

        // Trace ids reach the console as log scopes; the JSON formatter (Logging:Console:FormatterName=json)
        // shows scopes only when asked, so it is asked unless configuration says otherwise.
        builder.Logging.Configure(o => o.ActivityTrackingOptions |=
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        // Its timestamps default to ISO 8601 UTC, what log collectors parse without help.
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = configuration.GetValue("Logging:Console:FormatterOptions:IncludeScopes", true);
            o.TimestampFormat = configuration["Logging:Console:FormatterOptions:TimestampFormat"] ?? "yyyy-MM-ddTHH:mm:ss.fffZ";
            o.UseUtcTimestamp = configuration.GetValue("Logging:Console:FormatterOptions:UseUtcTimestamp", true);
        });

        builder.Services.AddHostedService<SiloLifecycleLog>();
        return builder;
    }

    /// <summary>
    /// One line when the silo is up and one when it starts stopping, so an operator reading the logs sees
    /// which silo did what. Registered after Orleans, so it stops (and logs) before the silo stops.
    /// </summary>
    private sealed class SiloLifecycleLog(
        IOptions<WorkerOptions> runtime,
        IOptions<HostOptions> host,
        IStateStore storage,
        ILocalSiloDetails silo,
        ILogger<SiloLifecycleLog> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            logger.LogInformation(
                "Silo {SiloName} ({SiloAddress}, cluster {ClusterId}) started: storage {StorageProvider}, background workers {WorkersEnabled}",
                runtime.Value.SiloName, silo.SiloAddress, silo.ClusterId, storage.ProviderName, runtime.Value.Enabled ? "on" : "off");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            logger.LogInformation(
                "Silo {SiloName} ({SiloAddress}) stopping within {ShutdownTimeout}: workers finish their pass, activations deactivate",
                runtime.Value.SiloName, silo.SiloAddress, host.Value.ShutdownTimeout);
            return Task.CompletedTask;
        }
    }
}
