using Orleans.Concurrency;

namespace Scheduling.Contracts.Links;

/// <summary>
/// The cluster's key for signing self-service links (<c>GET /appointment/hash</c>): 32 random bytes made on first
/// use and stored, so every silo signs and checks links alike and links outlive restarts (on PostgreSQL). One
/// grain, key 0.
/// </summary>
public interface ILinkKeyGrain : IGrainWithIntegerKey
{
    Task<byte[]> GetKeyAsync();
}
