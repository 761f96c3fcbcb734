using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;

namespace Scheduling.Silo.Cluster;

/// <summary>
/// Remembers each grain interface's Orleans type. Orleans 10.4.2 works it out again on every
/// <c>GrainFactory.GetGrain</c> (the interface's attributes by reflection, else its name formatted by convention), and a
/// request makes a dozen such calls; the answer never changes for a type. Consulted before Orleans' own provider, it
/// gives the same answer: the attribute's, else the convention's. Generic interfaces are left to Orleans.
/// </summary>
internal sealed class CachedGrainInterfaceTypes(IServiceProvider services) : IGrainInterfaceTypeProvider
{
    private readonly ConcurrentDictionary<Type, GrainInterfaceType> _types = new();
    private readonly AttributeGrainInterfaceTypeProvider _attributes = new(services);

    public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
    {
        if (type.IsGenericType)
        {
            grainInterfaceType = default;
            return false;
        }

        grainInterfaceType = _types.GetOrAdd(type, Resolve);
        return true;
    }

    private GrainInterfaceType Resolve(Type type) =>
        _attributes.TryGetGrainInterfaceType(type, out var fromAttribute)
            ? fromAttribute
            : services.GetRequiredService<GrainInterfaceTypeResolver>().GetGrainInterfaceTypeByConvention(type);
}
