using Orleans.Concurrency;
using System.Collections.Immutable;
using System.Text.Json;
using Orleans;

namespace Scheduling.Contracts.Accounts;

/// <summary>
/// An account (company), keyed by company id: profile, booking options, the owner's credentials (as
/// salted hashes), its sub-accounts, and the ordered index of its locations, employees and services.
/// Small, read often, written rarely.
/// </summary>
public interface IAccountGrain : IGrainWithIntegerKey
{
    /// <summary>Creates the account (once); returns the API key, which is never retrievable again.</summary>
    Task<AccountCreated> CreateAsync(AccountCreation creation);

    /// <summary>The account, or null when it does not exist.</summary>
    [ReadOnly]
    Task<AccountSnapshot?> GetAsync();

    /// <summary>Checks an API key (constant time).</summary>
    [ReadOnly]
    Task<CredentialCheck> VerifyApiKeyAsync(string apiKey);

    [ReadOnly]
    Task<CredentialCheck> VerifyPasswordAsync(string password);

    /// <summary>Applies validated changes to one part of the account.</summary>
    Task<AccountSnapshot> UpdateAsync(AccountPart part, ImmutableDictionary<string, JsonElement> changes);

    Task SetPasswordAsync(string newPassword);

    Task AddSubAccountAsync(long childCompanyId);

    /// <summary>Starts a password reset: returns the one-time code to send to the owner (valid 1 hour).</summary>
    Task<string> StartPasswordResetAsync();

    /// <summary>Completes a reset with the e-mailed code; false when the code is wrong or expired.</summary>
    Task<bool> CompletePasswordResetAsync(string code, string newPassword);

    Task AddCatalogEntryAsync(CatalogKind kind, long id);

    Task RemoveCatalogEntryAsync(CatalogKind kind, long id);

    /// <summary>Moves the given entries to the given positions (updateOrder); ids not in the catalog are refused.</summary>
    Task ReorderCatalogAsync(CatalogKind kind, ImmutableArray<CatalogOrder> orders);

    [ReadOnly]
    Task<ImmutableArray<long>> GetCatalogAsync(CatalogKind kind);
}

/// <summary>The parts of an account the API reads and writes separately.</summary>
[GenerateSerializer]
[Alias("scheduling.account-part")]
public enum AccountPart
{
    /// <summary>Company profile and business info (GET /account, saveBussinessInfo).</summary>
    Profile,

    /// <summary>Booking options (getOptions / saveOptions).</summary>
    Options,

    /// <summary>The owner's personal info (getPersonalInfo / savePersonalInfo).</summary>
    Personal,

    /// <summary>Payment settings (getStripe / getPaypal): stored, never processed.</summary>
    Payments,
}

[GenerateSerializer]
[Alias("scheduling.account-creation")]
[Immutable]
public sealed record AccountCreation(
    [Id(0)] long? ParentCompanyId,
    [Id(1)] string OwnerEmail,
    [Id(2)] string Password,
    [Id(3)] long OwnerUserId,
    [Id(4)] ImmutableDictionary<string, JsonElement> Profile,
    [Id(5)] ImmutableDictionary<string, JsonElement> Personal);

[GenerateSerializer]
[Alias("scheduling.account-created")]
[Immutable]
public sealed record AccountCreated([Id(0)] long CompanyId, [Id(1)] long OwnerUserId, [Id(2)] string ApiKey);

[GenerateSerializer]
[Alias("scheduling.credential-check")]
public enum CredentialCheck
{
    Valid,
    Invalid,
    AccountDisabled,
}

/// <summary>Everything about an account except its secrets.</summary>
[GenerateSerializer]
[Alias("scheduling.account-snapshot")]
[Immutable]
public sealed record AccountSnapshot(
    [Id(0)] long CompanyId,
    [Id(1)] long? ParentCompanyId,
    [Id(2)] long OwnerUserId,
    [Id(3)] string OwnerEmail,
    [Id(4)] bool Enabled,
    [Id(5)] DateTimeOffset CreatedAt,
    [Id(6)] ImmutableDictionary<string, JsonElement> Profile,
    [Id(7)] ImmutableDictionary<string, JsonElement> Options,
    [Id(8)] ImmutableDictionary<string, JsonElement> Personal,
    [Id(9)] ImmutableDictionary<string, JsonElement> Payments,
    [Id(10)] ImmutableArray<long> SubAccounts);
