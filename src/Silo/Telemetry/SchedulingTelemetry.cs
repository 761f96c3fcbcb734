using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scheduling.Grains.Telemetry;
using Scheduling.Silo.Hosting;

namespace Scheduling.Silo.Telemetry;

/// <summary>
/// Extra telemetry wiring: tests add in-memory exporters here; hosts could add sources. Applied after
/// the standard sources and meters.
/// </summary>
public sealed class SchedulingTelemetryOptions
{
    public List<Action<IOpenTelemetryBuilder>> Configure { get; } = [];
}

/// <summary>
/// OpenTelemetry for a silo or API host, wired without OpenTelemetry.Extensions.Hosting (not in this
/// build's registry): the SDK is a DI singleton, so the container disposes (and flushes) it on shutdown.
/// It exists only when something consumes it (an OTLP endpoint or a configured exporter): with no
/// listener, activities are never created and the hot paths pay nothing.
/// </summary>
public static class SchedulingTelemetry
{
    /// <summary>Trace sources: ours and the built-in ones operators need.</summary>
    public static IReadOnlyList<string> Sources { get; } =
    [
        "Microsoft.Orleans.Runtime",
        "Microsoft.Orleans.Application",
        "Scheduling.Grains",
        "Scheduling.Silo",
        "Scheduling.ApiHost",
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "Npgsql",
    ];

    /// <summary>Meters: ours and the built-in ones the dashboards query.</summary>
    public static IReadOnlyList<string> Meters { get; } =
    [
        "Microsoft.Orleans",
        DomainMeter.Name,
        "Scheduling.Silo",
        "Scheduling.ApiHost",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics",
        "Microsoft.AspNetCore.RateLimiting",
        "System.Net.Http",
        "System.Runtime",
        "Npgsql",
    ];

    public static TBuilder AddSchedulingTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        var serviceName = configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        builder.Services.AddOptions<SchedulingTelemetryOptions>();
        builder.Services.AddSingleton(sp =>
        {
            var extra = sp.GetRequiredService<IOptions<SchedulingTelemetryOptions>>().Value.Configure;
            var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
            if (!otlp && extra.Count == 0)
            {
                return new SchedulingTelemetrySdk(null);
            }

            var siloName = sp.GetRequiredService<IOptions<WorkerOptions>>().Value.SiloName;
            return new SchedulingTelemetrySdk(OpenTelemetrySdk.Create(otel =>
            {
                // Without the app's configuration the SDK would ignore OTEL_* settings from appsettings or the command line.
                otel.Services.AddSingleton<IConfiguration>(configuration);
                otel.ConfigureResource(r => r.AddService(serviceName, serviceInstanceId: siloName));
                otel.WithTracing(t => t.AddSource([.. Sources]));
                otel.WithMetrics(m => m.AddMeter([.. Meters]));
                if (otlp)
                {
                    otel.UseOtlpExporter();
                }

                foreach (var configure in extra)
                {
                    configure(otel);
                }
            }));
        });
        builder.Services.AddHostedService<TelemetryStarter>();
        return builder;
    }

    /// <summary>Creating the SDK in a hosted service's constructor makes its listeners exist before Kestrel takes requests.</summary>
    private sealed class TelemetryStarter(SchedulingTelemetrySdk sdk) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            // Flush before the container disposes everything else.
            sdk.Sdk?.MeterProvider.ForceFlush(5000);
            sdk.Sdk?.TracerProvider.ForceFlush(5000);
            return Task.CompletedTask;
        }
    }
}

/// <summary>The SDK, when telemetry is consumed at all; disposed with the container.</summary>
public sealed class SchedulingTelemetrySdk(OpenTelemetrySdk? sdk) : IDisposable
{
    public OpenTelemetrySdk? Sdk { get; } = sdk;

    public void Dispose() => Sdk?.Dispose();
}
