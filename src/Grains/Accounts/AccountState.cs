using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Accounts;

namespace Scheduling.Grains.Accounts;

/// <summary>What an account grain stores. Secrets are salted hashes only.</summary>
public sealed class AccountState
{
    public long? ParentCompanyId { get; set; }

    public long OwnerUserId { get; set; }

    public string OwnerEmail { get; set; } = string.Empty;

    public string PasswordHash { get; set; } = string.Empty;

    public string ApiKeyHash { get; set; } = string.Empty;

    public string? PasswordResetHash { get; set; }

    public DateTimeOffset? PasswordResetExpiresAt { get; set; }

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public ImmutableDictionary<string, JsonElement> Profile { get; set; } = ImmutableDictionary<string, JsonElement>.Empty;

    public ImmutableDictionary<string, JsonElement> Options { get; set; } = ImmutableDictionary<string, JsonElement>.Empty;

    public ImmutableDictionary<string, JsonElement> Personal { get; set; } = ImmutableDictionary<string, JsonElement>.Empty;

    public ImmutableDictionary<string, JsonElement> Payments { get; set; } = ImmutableDictionary<string, JsonElement>.Empty;

    public List<long> SubAccounts { get; set; } = [];

    /// <summary>Ordered ids of the account's locations, employees and services.</summary>
    public Dictionary<CatalogKind, List<long>> Catalog { get; set; } = [];
}
