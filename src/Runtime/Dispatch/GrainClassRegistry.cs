using System.Collections.Frozen;
using System.Reflection;
using Scheduling.Runtime.Streams;

namespace Scheduling.Runtime.Dispatch;

/// <summary>What the runtime knows about one grain class.</summary>
internal sealed class GrainClassInfo
{
    public GrainClassInfo(Type classType)
    {
        ClassType = classType;
        GrainType = classType.GetCustomAttribute<GrainTypeAttribute>()?.GrainType ?? DefaultGrainType(classType);
        IsReentrant = classType.IsDefined(typeof(ReentrantAttribute), inherit: true);
        CollectionAge = classType.GetCustomAttribute<CollectionAgeLimitAttribute>()?.Age;
        ImplicitStreamNamespaces = [.. classType.GetCustomAttributes<ImplicitStreamSubscriptionAttribute>().Select(a => a.Namespace)];
        Constructor = classType.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"Grain class {classType} has no public constructor.");
    }

    public Type ClassType { get; }

    public string GrainType { get; }

    public bool IsReentrant { get; }

    public TimeSpan? CollectionAge { get; }

    public IReadOnlyList<string> ImplicitStreamNamespaces { get; }

    public ConstructorInfo Constructor { get; }

    /// <summary>Where <see cref="Constructor"/>'s arguments come from (the activator's plan, made on first activation).</summary>
    public Func<Activations.ActivationData, object?>[]? ConstructorArguments { get; set; }

    private static string DefaultGrainType(Type type)
    {
        var name = type.Name;
        if (name.EndsWith("Grain", StringComparison.Ordinal) && name.Length > "Grain".Length)
        {
            name = name[..^"Grain".Length];
        }

        return name.ToLowerInvariant();
    }
}

/// <summary>Maps grain interfaces, grain types and stream namespaces to grain classes. Built once at start-up.</summary>
internal sealed class GrainClassRegistry
{
    private readonly FrozenDictionary<Type, GrainClassInfo> _byInterface;
    private readonly FrozenDictionary<string, GrainClassInfo> _byGrainType;
    private readonly FrozenDictionary<string, GrainClassInfo[]> _byStreamNamespace;

    public GrainClassRegistry(IEnumerable<Assembly> assemblies)
    {
        var grainClasses = assemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(Grain).IsAssignableFrom(t))
            .Distinct()
            .Select(t => new GrainClassInfo(t))
            .ToList();

        var byType = new Dictionary<string, GrainClassInfo>(StringComparer.Ordinal);
        var byInterface = new Dictionary<Type, List<GrainClassInfo>>();
        foreach (var info in grainClasses)
        {
            if (!byType.TryAdd(info.GrainType, info))
            {
                throw new InvalidOperationException(
                    $"Grain classes {byType[info.GrainType].ClassType} and {info.ClassType} share the grain type '{info.GrainType}'; rename one or use [GrainType].");
            }

            foreach (var iface in info.ClassType.GetInterfaces().Where(IsGrainInterface))
            {
                if (!byInterface.TryGetValue(iface, out var list))
                {
                    byInterface[iface] = list = [];
                }

                list.Add(info);
            }
        }

        // An interface implemented by several classes (a shared base interface) cannot be resolved; it is left out
        // and GetGrain reports it when asked.
        _byInterface = byInterface.Where(p => p.Value.Count == 1).ToFrozenDictionary(p => p.Key, p => p.Value[0]);
        _byGrainType = byType.ToFrozenDictionary(StringComparer.Ordinal);
        _byStreamNamespace = grainClasses
            .SelectMany(c => c.ImplicitStreamNamespaces.Select(ns => (ns, c)))
            .GroupBy(p => p.ns, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(p => p.c).ToArray(), StringComparer.Ordinal);
    }

    public IEnumerable<GrainClassInfo> All => _byGrainType.Values;

    public GrainClassInfo GetByInterface(Type grainInterface) =>
        _byInterface.TryGetValue(grainInterface, out var info)
            ? info
            : throw new ArgumentException($"No single grain class implements {grainInterface}. Register its assembly with AddGrains.");

    public bool TryGetByGrainType(string grainType, out GrainClassInfo info) =>
        _byGrainType.TryGetValue(grainType, out info!);

    public IReadOnlyList<GrainClassInfo> GetImplicitSubscribers(string streamNamespace) =>
        _byStreamNamespace.TryGetValue(streamNamespace, out var list) ? list : [];

    private static bool IsGrainInterface(Type type) =>
        typeof(IGrain).IsAssignableFrom(type)
        && type != typeof(IGrain)
        && type != typeof(IGrainWithIntegerKey)
        && type != typeof(IGrainWithStringKey)
        && type != typeof(IGrainWithGuidKey)
        && type != typeof(IRemindable)
        && !(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IAsyncObserver<>));
}
