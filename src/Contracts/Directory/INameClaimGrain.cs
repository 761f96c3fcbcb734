using Orleans.Concurrency;

namespace Scheduling.Contracts.Directory;

/// <summary>
/// A unique name (an account's nickname or e-mail, an employee's nickname), keyed by <see cref="NameClaims"/>.
/// The grain's conditional write makes a claim unique across every silo.
/// </summary>
public interface INameClaimGrain : IGrainWithStringKey
{
    /// <summary>Claims the name for <paramref name="ownerId"/>; true when it is now (or already was) that owner's.</summary>
    Task<bool> ClaimAsync(long ownerId);

    /// <summary>Frees the name if <paramref name="ownerId"/> holds it.</summary>
    Task ReleaseAsync(long ownerId);

    [ReadOnly]
    Task<long?> GetOwnerAsync();
}

/// <summary>Keys of name claims: kind + normalized name.</summary>
public static class NameClaims
{
    public static string AccountNickname(string nickname) => "account-nick:" + nickname.Trim().ToLowerInvariant();

    public static string AccountEmail(string email) => "account-email:" + email.Trim().ToLowerInvariant();

    public static string EmployeeNickname(string nickname) => "employee-nick:" + nickname.Trim().ToLowerInvariant();
}
