using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Scheduling.Runtime;
using Scheduling.Runtime.Hosting;
using Scheduling.Runtime.Storage.Memory;
using Scheduling.Runtime.Tests.Grains;

namespace Scheduling.Runtime.Tests.Harness;

/// <summary>Where a test silo keeps its grains' state. Two silos started on one storage form a cluster.</summary>
public abstract class TestStorage
{
    public abstract string Name { get; }

    public abstract void Configure(GrainRuntimeBuilder builder);

    public override string ToString() => Name;
}

public sealed class MemoryTestStorage : TestStorage
{
    // One store shared by every silo of the test, standing in for the shared database.
    public MemoryStore Store { get; } = new();

    public override string Name => "Memory";

    public override void Configure(GrainRuntimeBuilder builder)
    {
        builder.Services.AddSingleton(Store);
        builder.UseMemoryStorage();
    }
}

public sealed class PostgresTestStorage(string connectionString) : TestStorage
{
    public string ConnectionString => connectionString;

    public override string Name => "Postgres";

    public override void Configure(GrainRuntimeBuilder builder) => builder.UsePostgresStorage(connectionString);
}

/// <summary>A silo in a generic host with the test grains, on a given storage and clock.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private TestSilo(IHost host)
    {
        _host = host;
    }

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public ISiloControl Control => _host.Services.GetRequiredService<ISiloControl>();

    public TestProbe Probe => _host.Services.GetRequiredService<TestProbe>();

    public IServiceProvider Services => _host.Services;

    public static async Task<TestSilo> StartAsync(TestStorage storage, TimeProvider? time = null, Action<GrainRuntimeOptions>? options = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddSingleton<TestProbe>();
        builder.Services.Configure<GrainRuntimeOptions>(o =>
        {
            // Tests drive reminders and stream delivery themselves through ISiloControl, so the
            // background loops stay off and every result is deterministic.
            o.WorkersEnabled = false;
            options?.Invoke(o);
        });
        builder.Services.AddGrainRuntime(runtime =>
        {
            runtime.AddGrains(typeof(CounterGrain).Assembly);
            storage.Configure(runtime);
        });
        var host = builder.Build();
        await host.StartAsync();
        return new TestSilo(host);
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(stop.Token);
        _host.Dispose();
    }
}

/// <summary>Waits for a condition that other threads make true; fails the test after the timeout.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }

            await Task.Delay(5);
        }
    }
}
