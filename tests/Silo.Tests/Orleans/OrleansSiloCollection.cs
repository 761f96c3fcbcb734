namespace Scheduling.Silo.Tests.OrleansProviders;

/// <summary>
/// The Orleans provider tests start real silos; they run one at a time so that two tests' silos never share the
/// machine's two cores (timings stay those of one cluster).
/// </summary>
[CollectionDefinition(Name)]
public sealed class OrleansSiloCollection
{
    public const string Name = "Orleans silos on PostgreSQL";
}
