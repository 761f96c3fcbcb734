using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Scheduling.Runtime.Activations;
using Scheduling.Runtime.Dispatch;
using Scheduling.Runtime.Reminders;
using Scheduling.Runtime.Storage;
using Scheduling.Runtime.Streams;

namespace Scheduling.Runtime.Hosting;

/// <summary>Adds the grain runtime (one silo) to a host.</summary>
public static class GrainRuntimeServiceCollectionExtensions
{
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services, Action<GrainRuntimeBuilder> configure)
    {
        var builder = new GrainRuntimeBuilder(services);
        configure(builder);
        if (builder.StorageProvider is null)
        {
            builder.UseMemoryStorage();
        }

        services.AddOptions<GrainRuntimeOptions>();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new GrainClassRegistry(sp.GetServices<GrainAssembly>().Select(a => a.Assembly).Distinct()));
        services.AddSingleton<GrainStateJson>();
        services.AddSingleton<GrainRuntime>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.AddSingleton<Catalog>();
        services.AddSingleton<IGrainChangeSink>(sp => sp.GetRequiredService<Catalog>());
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<IOutboxSignal>(sp => sp.GetRequiredService<OutboxSignal>());
        services.AddSingleton<LocalDeliveries>();
        services.AddSingleton<StreamProvider>();
        services.AddSingleton<IStreamProvider>(sp => sp.GetRequiredService<StreamProvider>());
        services.AddSingleton<ReminderRegistry>();
        services.AddSingleton<ReminderService>();
        services.AddSingleton<StreamDeliveryService>();
        services.AddSingleton<SiloLifecycleService>();
        services.AddSingleton<ISiloControl>(sp => sp.GetRequiredService<SiloLifecycleService>());

        // Start order: storage (registered by the provider, e.g. migrations) first, then the silo, then its
        // workers; stop order is the reverse, so workers stop before grains are deactivated.
        services.AddHostedService(sp => sp.GetRequiredService<SiloLifecycleService>());
        services.AddHostedService(sp => sp.GetRequiredService<ReminderService>());
        services.AddHostedService(sp => sp.GetRequiredService<StreamDeliveryService>());
        return services;
    }

    /// <summary>Hosts the grain classes of <paramref name="assembly"/> (a silo may host several assemblies).</summary>
    public static IServiceCollection AddGrainAssembly(this IServiceCollection services, System.Reflection.Assembly assembly)
    {
        if (!services.Any(d => d.ServiceType == typeof(GrainAssembly) && ((GrainAssembly?)d.ImplementationInstance)?.Assembly == assembly))
        {
            services.AddSingleton(new GrainAssembly(assembly));
        }

        return services;
    }
}

/// <summary>Operations on the running silo: what tests, shutdown and diagnostics need to drive directly.</summary>
public interface ISiloControl
{
    /// <summary>Activations alive in this silo.</summary>
    int ActivationCount { get; }

    /// <summary>Deactivates every activation idle longer than its collection age; returns how many started deactivating.</summary>
    int CollectIdleActivations();

    /// <summary>Fires due reminders once; returns how many ticks were delivered.</summary>
    Task<int> FireDueRemindersAsync(CancellationToken cancellationToken = default);

    /// <summary>Delivers due outbox messages once; returns how many were claimed.</summary>
    Task<int> DeliverStreamsAsync(CancellationToken cancellationToken = default);

    /// <summary>True when the grain has an activation in this silo.</summary>
    bool IsActive(GrainId grainId);
}

/// <summary>Runs the silo's housekeeping: idle collection and call time-outs; deactivates everything on stop.</summary>
internal sealed class SiloLifecycleService(
    Catalog catalog,
    GrainRuntime runtime,
    ReminderService reminders,
    StreamDeliveryService streams) : IHostedService, ISiloControl, IAsyncDisposable
{
    private ITimer? _collector;
    private ITimer? _timeouts;

    public int ActivationCount => catalog.Count;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = runtime.Options;
        _collector = runtime.Time.CreateTimer(_ => catalog.CollectIdleActivations(), null, options.CollectionQuantum, options.CollectionQuantum);
        // Checked several times per time-out period, so a late call fails within ~25% of its limit.
        var sweep = TimeSpan.FromTicks(Math.Clamp(options.ResponseTimeout.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _timeouts = TimeProvider.System.CreateTimer(_ => catalog.FailTimedOutRequests(), null, sweep, sweep);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await DisposeTimersAsync();
        await catalog.DeactivateAllAsync(cancellationToken);
    }

    public int CollectIdleActivations() => catalog.CollectIdleActivations();

    public Task<int> FireDueRemindersAsync(CancellationToken cancellationToken = default) => reminders.FireDueAsync(cancellationToken);

    public Task<int> DeliverStreamsAsync(CancellationToken cancellationToken = default) => streams.DeliverOnceAsync(cancellationToken);

    public bool IsActive(GrainId grainId) => catalog.TryGetActivation(grainId, out var activation) && !activation.IsInvalid;

    public ValueTask DisposeAsync() => DisposeTimersAsync();

    private async ValueTask DisposeTimersAsync()
    {
        if (_collector is not null)
        {
            await _collector.DisposeAsync();
            _collector = null;
        }

        if (_timeouts is not null)
        {
            await _timeouts.DisposeAsync();
            _timeouts = null;
        }
    }
}
