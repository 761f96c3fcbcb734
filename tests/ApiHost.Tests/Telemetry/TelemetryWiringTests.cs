using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Telemetry;

/// <summary>
/// The providers exist only when something consumes telemetry (an OTLP endpoint: <see cref="OtlpExportTests"/>; an
/// exporter a test adds: <see cref="TracingTests"/>). Without them nothing listens, so requests and grain calls create
/// no activities.
/// </summary>
public sealed class TelemetryWiringTests
{
    [Fact]
    public async Task WithoutAnOtlpEndpointOrAnExporterThereAreNoProviders()
    {
        // Empty even if the environment running the tests names a collector.
        await using var factory = new ApiHostFactory(settings: new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = string.Empty });
        Assert.True((await factory.CreateClient().GetAsync("/health/ready")).IsSuccessStatusCode);

        Assert.Null(factory.Services.GetService<TracerProvider>());
        Assert.Null(factory.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task BothProvidersNameTheServiceAndTheSiloForPrometheusJobAndInstance()
    {
        await using var factory = new ApiHostFactory(
            services: services => services.AddOpenTelemetry()
                .WithTracing(t => t.AddInMemoryExporter(new ExportedItems<System.Diagnostics.Activity>()))
                .WithMetrics(m => m.AddInMemoryExporter(new ExportedItems<Metric>())),
            settings: new Dictionary<string, string?> { ["OTEL_SERVICE_NAME"] = "scheduling-wiring-test", ["Workers:SiloName"] = "silo-w1" });
        Assert.True((await factory.CreateClient().GetAsync("/health/ready")).IsSuccessStatusCode);

        BaseProvider[] providers = [factory.Services.GetRequiredService<TracerProvider>(), factory.Services.GetRequiredService<MeterProvider>()];
        foreach (var provider in providers)
        {
            var attributes = provider.GetResource().Attributes.ToDictionary(a => a.Key, a => a.Value);
            Assert.Equal("scheduling-wiring-test", attributes["service.name"]);
            Assert.Equal("silo-w1", attributes["service.instance.id"]);
        }
    }
}
