using Orleans.Core;
using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Snapshots;

namespace Scheduling.Grains.Accounts;

/// <summary>One account: its profile, options, owner credentials, sub-accounts and catalog index.</summary>
public sealed class AccountGrain([PersistentState("account")] IPersistentState<AccountState> account, TimeProvider time) : SnapshotGrain<AccountSnapshot?>, IAccountGrain
{
    private static readonly TimeSpan PasswordResetLifetime = TimeSpan.FromHours(1);

    // Read by most requests: kept until the next write.
    private AccountSnapshot? _snapshot;

    private AccountState State => account.State;

    public async Task<AccountCreated> CreateAsync(AccountCreation creation)
    {
        if (account.RecordExists)
        {
            throw new InvalidOperationException($"Account {this.GetPrimaryKeyLong()} already exists.");
        }

        var apiKey = Secrets.NewToken();
        account.State = new AccountState
        {
            ParentCompanyId = creation.ParentCompanyId,
            OwnerUserId = creation.OwnerUserId,
            OwnerEmail = creation.OwnerEmail,
            PasswordHash = Secrets.HashPassword(creation.Password),
            ApiKeyHash = Secrets.HashToken(apiKey),
            CreatedAt = time.GetUtcNow(),
            Profile = creation.Profile,
            Personal = creation.Personal.SetItem("email", JsonSerializer.SerializeToElement(creation.OwnerEmail)),
        };
        await SaveAsync();
        return new AccountCreated(this.GetPrimaryKeyLong(), creation.OwnerUserId, apiKey);
    }

    public Task<AccountSnapshot?> GetAsync() => Task.FromResult(CurrentSnapshot());

    protected override IStorage SnapshotState => account;

    protected override AccountSnapshot? CurrentSnapshot() => account.RecordExists ? _snapshot ??= Snapshot() : null;

    public Task<CredentialCheck> VerifyApiKeyAsync(string apiKey) =>
        Task.FromResult(Check(account.RecordExists && Secrets.VerifyToken(apiKey, State.ApiKeyHash)));

    public Task<CredentialCheck> VerifyPasswordAsync(string password) =>
        Task.FromResult(Check(account.RecordExists && Secrets.VerifyPassword(password, State.PasswordHash)));

    public async Task<AccountSnapshot> UpdateAsync(AccountPart part, ImmutableDictionary<string, JsonElement> changes)
    {
        EnsureExists();
        switch (part)
        {
            case AccountPart.Profile:
                State.Profile = State.Profile.Merge(changes);
                break;
            case AccountPart.Options:
                State.Options = State.Options.Merge(changes);
                break;
            case AccountPart.Personal:
                State.Personal = State.Personal.Merge(changes);
                if (changes.GetText("email") is { } email)
                {
                    State.OwnerEmail = email;
                }

                break;
            case AccountPart.Payments:
                State.Payments = State.Payments.Merge(changes);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(part), part, null);
        }

        await SaveAsync();
        return Snapshot();
    }

    public async Task SetPasswordAsync(string newPassword)
    {
        EnsureExists();
        State.PasswordHash = Secrets.HashPassword(newPassword);
        await SaveAsync();
    }

    public async Task AddSubAccountAsync(long childCompanyId)
    {
        EnsureExists();
        if (!State.SubAccounts.Contains(childCompanyId))
        {
            State.SubAccounts.Add(childCompanyId);
            await SaveAsync();
        }
    }

    public async Task<string> StartPasswordResetAsync()
    {
        EnsureExists();
        var code = Secrets.NewToken();
        State.PasswordResetHash = Secrets.HashToken(code);
        State.PasswordResetExpiresAt = time.GetUtcNow() + PasswordResetLifetime;
        await SaveAsync();
        return code;
    }

    public async Task<bool> CompletePasswordResetAsync(string code, string newPassword)
    {
        if (!account.RecordExists
            || State.PasswordResetHash is not { } hash
            || State.PasswordResetExpiresAt is not { } expires
            || time.GetUtcNow() > expires
            || !Secrets.VerifyToken(code, hash))
        {
            return false;
        }

        State.PasswordHash = Secrets.HashPassword(newPassword);
        State.PasswordResetHash = null;
        State.PasswordResetExpiresAt = null;
        await SaveAsync();
        return true;
    }

    public async Task AddCatalogEntryAsync(CatalogKind kind, long id)
    {
        EnsureExists();
        var entries = Entries(kind);
        if (!entries.Contains(id))
        {
            entries.Add(id);
            await SaveAsync();
        }
    }

    public async Task RemoveCatalogEntryAsync(CatalogKind kind, long id)
    {
        EnsureExists();
        if (Entries(kind).Remove(id))
        {
            await SaveAsync();
        }
    }

    public async Task ReorderCatalogAsync(CatalogKind kind, ImmutableArray<CatalogOrder> orders)
    {
        EnsureExists();
        var entries = Entries(kind);
        foreach (var order in orders)
        {
            if (!entries.Contains(order.Id))
            {
                throw new Contracts.Records.FieldValidationException("id", $"{kind.ToString().ToLowerInvariant()} {order.Id} is not in this account");
            }
        }

        // The given entries take their requested positions; the others keep their relative order around them.
        var moved = orders.OrderBy(o => o.Order).Select(o => o.Id).ToList();
        var rest = entries.Where(id => !moved.Contains(id)).ToList();
        var result = new List<long>(entries.Count);
        var byPosition = orders.ToDictionary(o => o.Id, o => o.Order);
        var restIndex = 0;
        foreach (var id in moved)
        {
            var position = Math.Clamp(byPosition[id], 0, entries.Count);
            while (result.Count < position && restIndex < rest.Count)
            {
                result.Add(rest[restIndex++]);
            }

            result.Add(id);
        }

        result.AddRange(rest.Skip(restIndex));
        State.Catalog[kind] = result;
        await SaveAsync();
    }

    public Task<ImmutableArray<long>> GetCatalogAsync(CatalogKind kind) =>
        Task.FromResult(State.Catalog.TryGetValue(kind, out var entries) ? entries.ToImmutableArray() : []);

    private List<long> Entries(CatalogKind kind)
    {
        if (!State.Catalog.TryGetValue(kind, out var entries))
        {
            State.Catalog[kind] = entries = [];
        }

        return entries;
    }

    // Every state write goes through here, so the kept snapshot never outlives the state it was made from.
    private Task SaveAsync()
    {
        _snapshot = null;
        return account.WriteStateAsync();
    }

    private CredentialCheck Check(bool valid) =>
        !valid ? CredentialCheck.Invalid : State.Enabled ? CredentialCheck.Valid : CredentialCheck.AccountDisabled;

    private void EnsureExists()
    {
        if (!account.RecordExists)
        {
            throw new NotFoundException($"account {this.GetPrimaryKeyLong()} does not exist");
        }
    }

    private AccountSnapshot Snapshot() => new(
        this.GetPrimaryKeyLong(),
        State.ParentCompanyId,
        State.OwnerUserId,
        State.OwnerEmail,
        State.Enabled,
        State.CreatedAt,
        State.Profile,
        State.Options,
        State.Personal,
        State.Payments,
        [.. State.SubAccounts]);
}
