using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Directory;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Sessions;
using Scheduling.Grains.Accounts;
using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Accounts;

/// <summary>Account settings (section "Accounts").</summary>
public sealed class AccountOptions
{
    /// <summary>POST /account without a session creates a new top-level account (sign-up).</summary>
    public bool AllowSignUp { get; set; } = true;

    /// <summary>How many sub-accounts one account may create.</summary>
    public int MaxSubAccounts { get; set; } = 100;
}

/// <summary>Sign-up, sub-accounts, authentication and sessions (SPEC §3).</summary>
public static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/api/v2/account");
        account.MapPost("/", CreateAsync).AcceptsFields(AccountSchemas.Profile);
        account.MapPost("/authenticate", AuthenticateAsync);
        account.MapGet("/logout", LogoutAsync);
        account.MapPost("/logout", LogoutAsync);
        account.MapGet("/", GetAsync);
        account.MapGet("/companies", ListSubAccountsAsync);
        return endpoints;
    }

    /// <summary>With a session: a sub-account of the caller's company. Without: sign-up, when allowed.</summary>
    private static async Task<IResult> CreateAsync(HttpContext context, ApiRequest request, IGrainFactory grains, IIdGenerator ids, IOptions<AccountOptions> options, RateLimits limits)
    {
        long? parent = null;
        if (ApiCall.SessionToken(context, request) is not null)
        {
            var call = (await ApiCall.BindAsync(context))!;
            var parentAccount = await call.AccountAsync() ?? throw new ApiException(ApiStatus.NotFound, $"company_id: no account {call.CompanyId}");
            if (parentAccount.SubAccounts.Length >= options.Value.MaxSubAccounts)
            {
                throw new ApiException(ApiStatus.AccountsLimitReached, $"this account already has {parentAccount.SubAccounts.Length} sub-accounts, its limit");
            }

            parent = call.CompanyId;
        }
        else if (!options.Value.AllowSignUp)
        {
            throw new ApiException(ApiStatus.NotAllowed, "sign-up is disabled on this server; authenticate to create sub-accounts");
        }
        else
        {
            limits.CheckAnonymous(context);
        }

        var nickname = request.RequireString("nick_name", 64).Trim().ToLowerInvariant();
        if (!AccountSchemas.IsValidNickname(nickname))
        {
            throw ApiException.InvalidField("nick_name", "must be 3-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit");
        }

        var email = request.RequireString("email", 254).Trim();
        if (!RecordSchema.LooksLikeEmail(email))
        {
            throw ApiException.InvalidField("email", "must be an e-mail address");
        }

        var password = AccountFields.RequireNewPassword(request, "password");

        var profile = AccountSchemas.Profile.Bind(request.Fields, create: true).SetItem("nick_name", JsonSerializer.SerializeToElement(nickname));
        var personal = AccountSchemas.Personal.Bind(request.Fields, create: true);
        if (profile.GetInt("timezone_id") is { } tz && !Grains.TimeZones.TimeZoneTable.Embedded.TryGet(tz, out _))
        {
            throw ApiException.InvalidField("timezone_id", $"{tz} is not a time zone id");
        }

        var companyId = await ids.NextIdAsync();
        var nicknameClaim = grains.GetGrain<INameClaimGrain>(NameClaims.AccountNickname(nickname));
        if (!await nicknameClaim.ClaimAsync(companyId))
        {
            throw ApiException.InvalidField("nick_name", $"'{nickname}' is already taken");
        }

        var emailClaim = grains.GetGrain<INameClaimGrain>(NameClaims.AccountEmail(email));
        if (!await emailClaim.ClaimAsync(companyId))
        {
            await nicknameClaim.ReleaseAsync(companyId);
            throw ApiException.InvalidField("email", "is already registered to an account");
        }

        var created = await grains.GetGrain<IAccountGrain>(companyId).CreateAsync(
            new AccountCreation(parent, email, password, await ids.NextIdAsync(), profile, personal));
        if (parent is { } parentId)
        {
            await grains.GetGrain<IAccountGrain>(parentId).AddSubAccountAsync(companyId);
        }

        var snapshot = (await grains.GetGrain<IAccountGrain>(companyId).GetAsync())!;
        var data = new Dictionary<string, object?>(AccountViews.Summary(snapshot)) { ["api_key"] = created.ApiKey };
        return ApiEnvelope.Ok(data);
    }

    private static async Task<IResult> AuthenticateAsync(HttpContext context, ApiRequest request, IGrainFactory grains, RateLimits limits)
    {
        // Per address: guessing API keys costs time.
        limits.CheckAnonymous(context);
        var email = request.RequireString("email", 254).Trim();
        var apiKey = request.RequireString("token", 256);
        var companyId = await grains.GetGrain<INameClaimGrain>(NameClaims.AccountEmail(email)).GetOwnerAsync();
        var account = companyId is { } id ? grains.GetGrain<IAccountGrain>(id) : null;
        var check = account is null ? CredentialCheck.Invalid : await account.VerifyApiKeyAsync(apiKey);
        switch (check)
        {
            case CredentialCheck.Invalid:
                throw new ApiException(ApiStatus.InvalidCredentials, "email or token: invalid credentials");
            case CredentialCheck.AccountDisabled:
                throw new ApiException(ApiStatus.AccountNotActive, "this account is disabled");
        }

        var snapshot = (await account!.GetAsync())!;
        var token = Secrets.NewToken();
        await grains.GetGrain<ISessionGrain>(Secrets.SessionKey(token))
            .StartAsync(new SessionStart(snapshot.CompanyId, snapshot.OwnerUserId, ApiCall.IdleTimeout(context)));
        return ApiEnvelope.Ok(new Dictionary<string, object?>
        {
            ["user"] = AccountViews.User(snapshot),
            ["session_token"] = token,
        });
    }

    private static async Task<IResult> LogoutAsync(ApiCall call)
    {
        await call.Grains.GetGrain<ISessionGrain>(Secrets.SessionKey(call.Token)).RevokeAsync();
        return ApiEnvelope.Ok(null);
    }

    private static async Task<IResult> GetAsync(ApiCall call) =>
        ApiEnvelope.Ok(AccountViews.Summary(await call.AccountAsync() ?? throw new ApiException(ApiStatus.NotFound, $"no account {call.CompanyId}")));

    private static async Task<IResult> ListSubAccountsAsync(ApiCall call)
    {
        var account = await call.AccountAsync() ?? throw new ApiException(ApiStatus.NotFound, $"no account {call.CompanyId}");
        var children = await Task.WhenAll(account.SubAccounts.Select(id => call.Grains.GetGrain<IAccountGrain>(id).GetAsync()));
        return ApiEnvelope.Ok(children.OfType<AccountSnapshot>().Select(AccountViews.Summary).ToList());
    }

    /// <summary>Reads one account part's fields from the request, validated by its schema.</summary>
    public static ImmutableDictionary<string, JsonElement> BindPart(ApiRequest request, AccountPart part) =>
        AccountSchemas.For(part).Bind(request.Fields, create: false);
}
