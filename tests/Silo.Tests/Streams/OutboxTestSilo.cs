using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Scheduling.TestSupport;

namespace Scheduling.Silo.Tests.Streams;

/// <summary>
/// A silo composed exactly as the hosts compose theirs (<see cref="SchedulingSilo.AddSchedulingSilo{TBuilder}"/>), in
/// this process, with the probe grains of this assembly: on the memory store, or on a PostgreSQL database (silos given
/// one cluster id and one database form one cluster).
/// </summary>
public sealed class OutboxTestSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private OutboxTestSilo(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public ProbeLog Log => _host.Services.GetRequiredService<ProbeLog>();

    public static async Task<OutboxTestSilo> StartAsync(string? postgres = null, string? clusterId = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Test" });
        var configuration = new Dictionary<string, string?>(FreePorts.OrleansSettings(clusterId))
        {
            ["Storage:Provider"] = postgres is null ? "Memory" : "Postgres",
            ["ConnectionStrings:Postgres"] = postgres,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddConsole();
        builder.AddSchedulingSilo();
        builder.Services.AddSingleton<ProbeLog>();
        builder.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(OutboxTestSilo).Assembly));
        var host = builder.Build();
        await host.StartAsync();
        return new OutboxTestSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
