using System.Security.Cryptography;
using Scheduling.Contracts.Links;

namespace Scheduling.Grains.Links;

public sealed class LinkKeyState
{
    public byte[] Key { get; set; } = [];
}

/// <summary>
/// Makes the link key once. Two silos making it at once cannot both store theirs: the second write conflicts,
/// its activation is dropped, and <see cref="AppointmentLinks"/> asks again and gets the stored key.
/// </summary>
public sealed class LinkKeyGrain([PersistentState("linkkey")] IPersistentState<LinkKeyState> key) : Grain, ILinkKeyGrain
{
    public async Task<byte[]> GetKeyAsync()
    {
        if (key.State.Key.Length == 0)
        {
            key.State.Key = RandomNumberGenerator.GetBytes(32);
            await key.WriteStateAsync();
        }

        return key.State.Key;
    }
}
