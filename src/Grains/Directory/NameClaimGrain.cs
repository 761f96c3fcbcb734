using Scheduling.Contracts.Directory;

namespace Scheduling.Grains.Directory;

public sealed class NameClaimState
{
    public long OwnerId { get; set; }
}

/// <summary>Owns one unique name. Two silos claiming at once cannot both win: the second write conflicts.</summary>
public sealed class NameClaimGrain([PersistentState("claim")] IPersistentState<NameClaimState> claim) : Grain, INameClaimGrain
{
    public async Task<bool> ClaimAsync(long ownerId)
    {
        if (claim.State.OwnerId != 0)
        {
            return claim.State.OwnerId == ownerId;
        }

        claim.State.OwnerId = ownerId;
        await claim.WriteStateAsync();
        return true;
    }

    public async Task ReleaseAsync(long ownerId)
    {
        if (claim.State.OwnerId == ownerId && ownerId != 0)
        {
            await claim.ClearStateAsync();
        }
    }

    public Task<long?> GetOwnerAsync() => Task.FromResult(claim.State.OwnerId == 0 ? (long?)null : claim.State.OwnerId);
}
