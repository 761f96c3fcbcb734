using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scheduling.Grains.Telemetry;
using Scheduling.Silo.Hosting;
using Scheduling.Silo.Webhooks;

namespace Scheduling.Silo.Telemetry;

/// <summary>
/// OpenTelemetry for a silo or API host (DESIGN §8), through OpenTelemetry.Extensions.Hosting in the style of
/// eShop's ServiceDefaults: what to collect (resource, instrumentation, sources, meters), then where to send it
/// (OTLP, only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured).
/// <para>
/// The providers exist only when something consumes them: an OTLP endpoint here, or a host or test that adds an
/// exporter of its own with <c>services.AddOpenTelemetry().WithTracing(...)</c> / <c>.WithMetrics(...)</c> (the
/// collection configured here applies to those providers too). With no provider there is no listener, so requests
/// and grain calls create no activities and the hot paths pay nothing. The providers are disposed with the host's
/// services when it shuts down, which flushes them through their exporters.
/// </para>
/// </summary>
public static class SchedulingTelemetry
{
    /// <summary>Orleans' trace sources (grain calls; application-level spans).</summary>
    public const string OrleansRuntimeSource = "Microsoft.Orleans.Runtime";

    /// <inheritdoc cref="OrleansRuntimeSource"/>
    public const string OrleansApplicationSource = "Microsoft.Orleans.Application";

    /// <summary>Orleans' meter.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    /// <summary>
    /// Trace sources besides those the ASP.NET Core, HttpClient and Npgsql instrumentation add
    /// (<c>Microsoft.AspNetCore</c>, <c>System.Net.Http</c>, <c>Npgsql</c>).
    /// </summary>
    public static IReadOnlyList<string> Sources { get; } =
    [
        OrleansRuntimeSource,
        OrleansApplicationSource,
    ];

    /// <summary>
    /// Meters besides those the ASP.NET Core, HttpClient, runtime and Npgsql instrumentation add
    /// (<c>Microsoft.AspNetCore.*</c>, <c>System.Net.Http</c>, <c>System.Net.NameResolution</c>, <c>System.Runtime</c>, <c>Npgsql</c>).
    /// </summary>
    public static IReadOnlyList<string> Meters { get; } =
    [
        DomainMeter.Name,
        WebhookTelemetry.MeterName,
        OrleansMeter,
    ];

    /// <summary>The setting that turns tracing on for a host that adds a trace exporter of its own (tests, embedders).</summary>
    public const string TracingSetting = "Telemetry:Tracing";

    /// <summary>
    /// Whether this process exports traces: an OTLP endpoint is configured, or <see cref="TracingSetting"/> is true. Grain
    /// calls carry trace context (Orleans' activity propagation) only then: its filters put every grain call through
    /// Orleans' filter pipeline, which calls skip when there are none, and with no trace listener they would carry nothing.
    /// </summary>
    public static bool TracingEnabled(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]) || configuration.GetValue(TracingSetting, false);
    }

    public static TBuilder AddSchedulingTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        var serviceName = configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        var services = builder.Services;

        // What to collect. These apply to whichever providers get created; on their own they create none.
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing
            .ConfigureResource(resource => Describe(resource, serviceName))
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddNpgsql()
            .AddSource([.. Sources]));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics
            .ConfigureResource(resource => Describe(resource, serviceName))
            .AddAspNetCoreInstrumentation()
            .AddHttpClientInstrumentation()
            .AddRuntimeInstrumentation()
            .AddNpgsqlInstrumentation()
            .AddMeter([.. Meters]));

        // Where to send it: OTLP when an endpoint is configured. The exporters read the OTEL_EXPORTER_OTLP_* and
        // OTEL_METRIC_EXPORT_INTERVAL settings from the app's configuration (environment, appsettings, command
        // line). Traces and metrics only (UseOtlpExporter would add logs, which the collector has no pipeline for).
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            services.AddOpenTelemetry()
                .WithTracing(tracing => tracing.AddOtlpExporter())
                .WithMetrics(metrics => metrics.AddOtlpExporter());
        }

        return builder;
    }

    /// <summary>service.name, and the silo's name (<c>Workers:SiloName</c>) as service.instance.id: Prometheus' <c>job</c> and <c>instance</c>.</summary>
    private static void Describe(ResourceBuilder resource, string serviceName) => resource
        .AddService(serviceName, autoGenerateServiceInstanceId: false)
        .AddDetector(sp => new SiloInstanceDetector(sp.GetRequiredService<IOptions<WorkerOptions>>().Value.SiloName));

    private sealed class SiloInstanceDetector(string siloName) : IResourceDetector
    {
        public Resource Detect() => new([new("service.instance.id", siloName)]);
    }
}
