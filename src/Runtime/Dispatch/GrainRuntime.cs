using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Scheduling.Runtime.Activations;
using Scheduling.Runtime.Hosting;
using Scheduling.Runtime.Reminders;
using Scheduling.Runtime.Storage;
using Scheduling.Runtime.Streams;

namespace Scheduling.Runtime.Dispatch;

/// <summary>The silo's grain runtime: the grain factory and what activations reach through it.</summary>
internal sealed class GrainRuntime : IGrainFactory
{
    private readonly ConcurrentDictionary<Type, GrainInterfaceInfo> _interfaces = new();
    private readonly Lazy<Catalog> _catalog;
    private readonly Lazy<ReminderRegistry> _reminders;
    private readonly Lazy<StreamProvider> _streams;
    private readonly Lazy<LocalDeliveries> _deliveries;

    public GrainRuntime(IServiceProvider services, GrainClassRegistry registry, TimeProvider time, IOptions<GrainRuntimeOptions> options)
    {
        Services = services;
        Registry = registry;
        Time = time;
        Options = options.Value;
        // Resolved lazily: these depend on the runtime themselves.
        _catalog = new Lazy<Catalog>(() => (Catalog)services.GetService(typeof(Catalog))!);
        _reminders = new Lazy<ReminderRegistry>(() => (ReminderRegistry)services.GetService(typeof(ReminderRegistry))!);
        _streams = new Lazy<StreamProvider>(() => (StreamProvider)services.GetService(typeof(StreamProvider))!);
        _deliveries = new Lazy<LocalDeliveries>(() => (LocalDeliveries)services.GetService(typeof(LocalDeliveries))!);
    }

    public IServiceProvider Services { get; }

    public GrainClassRegistry Registry { get; }

    public TimeProvider Time { get; }

    public GrainRuntimeOptions Options { get; }

    public IGrainFactory GrainFactory => this;

    public Catalog Catalog => _catalog.Value;

    public ReminderRegistry Reminders => _reminders.Value;

    public LocalDeliveries Deliveries => _deliveries.Value;

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey)
        where TGrainInterface : IGrainWithIntegerKey
    {
        var info = GetInterface(typeof(TGrainInterface));
        return GrainProxy.Create<TGrainInterface>(this, GrainId.Create(info.GrainClass.GrainType, primaryKey), info);
    }

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(primaryKey);
        var info = GetInterface(typeof(TGrainInterface));
        return GrainProxy.Create<TGrainInterface>(this, GrainId.Create(info.GrainClass.GrainType, primaryKey), info);
    }

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey)
        where TGrainInterface : IGrainWithGuidKey
    {
        var info = GetInterface(typeof(TGrainInterface));
        return GrainProxy.Create<TGrainInterface>(this, GrainId.Create(info.GrainClass.GrainType, primaryKey), info);
    }

    public IStreamProvider GetStreamProvider(string name) =>
        string.Equals(name, _streams.Value.Name, StringComparison.Ordinal)
            ? _streams.Value
            : throw new KeyNotFoundException($"No stream provider named '{name}'; this silo has '{_streams.Value.Name}'.");

    private GrainInterfaceInfo GetInterface(Type grainInterface) =>
        _interfaces.GetOrAdd(grainInterface, static (type, registry) =>
        {
            if (!type.IsInterface)
            {
                throw new ArgumentException($"{type} is not an interface; GetGrain takes a grain interface.");
            }

            return new GrainInterfaceInfo(type, registry.GetByInterface(type));
        }, Registry);
}
