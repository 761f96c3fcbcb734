using Scheduling.Contracts.Accounts;

namespace Scheduling.ApiHost.Accounts;

/// <summary>How accounts look on the wire (GET /account, /account/companies, authenticate's user).</summary>
public static class AccountViews
{
    public static IReadOnlyDictionary<string, object?> Summary(AccountSnapshot account) =>
        AccountSchemas.Profile.Render(account.Profile, new Dictionary<string, object?>
        {
            ["email"] = account.OwnerEmail,
            ["first_name"] = account.Personal.TryGetValue("first_name", out var first) ? first : string.Empty,
            ["last_name"] = account.Personal.TryGetValue("last_name", out var last) ? last : string.Empty,
            ["id"] = account.OwnerUserId,
            ["company_id"] = account.CompanyId,
            ["parent_id"] = account.ParentCompanyId ?? 0,
            ["created_by"] = account.OwnerUserId,
            ["date_created"] = account.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["status"] = account.Enabled ? 0 : 1,
        });

    public static object User(AccountSnapshot account) => new Dictionary<string, object?>
    {
        ["id"] = account.OwnerUserId,
        ["company_id"] = account.CompanyId,
        ["account_type"] = account.Profile.TryGetValue("account_type", out var type) ? type : 0,
        ["enable_locations"] = account.Profile.TryGetValue("enable_locations", out var locations) ? locations : true,
        ["intuit_user_id"] = null,
        ["nick_name"] = account.Profile.TryGetValue("nick_name", out var nick) ? nick : string.Empty,
        ["is_owner"] = true,
        ["enabled"] = account.Enabled,
    };
}
