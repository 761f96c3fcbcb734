using System.Collections.Immutable;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Scheduling.ApiHost.Api;
using Scheduling.ApiHost.Media;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Directory;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Media;
using Scheduling.Grains.Notifications;

namespace Scheduling.ApiHost.Accounts;

/// <summary>
/// The account's settings: full info, booking options, owner info and password, business profile, payment
/// settings, logo, name availability, password reset and the widget code.
/// Payment settings (stripe_publishable_key, stripe_client_id, paypal_email) are saved through saveOptions
/// beside the options and read back by getOptions, getStripe and getPaypal.
/// </summary>
public static partial class AccountSettingsApi
{
    /// <summary>How long a password reset code works (AccountGrain's lifetime, said in the e-mail).</summary>
    private static readonly TimeSpan PasswordResetLifetime = TimeSpan.FromHours(1);

    private static readonly JsonElement EmptyText = FieldValues.Text(string.Empty);

    private const string OwnerPermissions = "locations,providers,services,availability,appointments,get_widget,promote,clients,overview,calendar,settings,profile,account";

    public static IEndpointRouteBuilder MapAccountSettingsApi(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/api/v2/account");
        account.MapGet("/getAccountInfo", GetAccountInfoAsync);
        account.MapGet("/getOptions", GetOptionsAsync);
        account.MapPost("/saveOptions", SaveOptionsAsync);
        account.MapGet("/getPersonalInfo", GetPersonalInfoAsync);
        account.MapPost("/savePersonalInfo", SavePersonalInfoAsync);
        account.MapPost("/saveBussinessInfo", SaveBusinessInfoAsync);
        account.MapGet("/getStripe", GetStripeAsync);
        account.MapGet("/getPaypal", GetPaypalAsync);
        account.MapPost("/uploadLogo", UploadLogoAsync);
        account.MapGet("/checknickname/{nickname?}", CheckNicknameAsync);
        account.MapGet("/checkemail/{email?}", CheckEmailAsync);
        account.MapPost("/request_password_reset", RequestPasswordResetAsync);
        account.MapPost("/reset_password", ResetPasswordAsync);
        account.MapGet("/getWidgetCode", GetWidgetCodeAsync);
        return endpoints;
    }

    /// <summary>The summary plus what the reference adds for "full account data".</summary>
    private static async Task<IResult> GetAccountInfoAsync(ApiCall call, TimeProvider time)
    {
        var account = await LoadAsync(call);
        var data = new Dictionary<string, object?>(AccountViews.Summary(account))
        {
            ["holidays"] = await Holidays.HolidaysApi.AllViewsAsync(call, time),
            ["company_business_hours"] = account.Profile.GetText("business_hours") ?? string.Empty,
        };
        return ApiEnvelope.Ok(data);
    }

    private static async Task<IResult> GetOptionsAsync(ApiCall call) => ApiEnvelope.Ok(OptionsView(await LoadAsync(call)));

    private static async Task<IResult> SaveOptionsAsync(ApiCall call)
    {
        await LoadAsync(call);
        var fields = WithEmailSettings(call.Request);
        var options = AccountSchemas.Options.Bind(fields, create: false);
        if (options.GetText("currency") is { } currency)
        {
            options = options.SetItem("currency", FieldValues.Text(CurrencyCode(currency, "currency")));
        }

        var profile = AccountSchemas.OptionsInProfile.Bind(fields, create: false);
        CheckTimeZone(profile);
        var payments = AccountSchemas.Payments.Bind(fields, create: false);
        CheckPaymentKeys(payments);

        // Everything is validated before the first write, so a bad field changes nothing.
        var account = await UpdateAsync(call, AccountPart.Options, options);
        account = await UpdateAsync(call, AccountPart.Profile, profile) ?? account;
        account = await UpdateAsync(call, AccountPart.Payments, payments) ?? account;
        return ApiEnvelope.Ok(OptionsView(account ?? await LoadAsync(call)));
    }

    /// <summary>The reference answers with a list holding the owner (the account's one login).</summary>
    private static async Task<IResult> GetPersonalInfoAsync(ApiCall call)
    {
        var account = await LoadAsync(call);
        var locations = await call.Account.GetCatalogAsync(CatalogKind.Location);
        var employees = await call.Account.GetCatalogAsync(CatalogKind.Employee);
        var owner = AccountSchemas.Personal.Render(account.Personal, new Dictionary<string, object?>
        {
            ["email"] = account.OwnerEmail,
            ["permissions"] = OwnerPermissions,
            ["authority"] = "ROLE_ADMIN",
            ["is_owner"] = 1,
            ["status"] = account.Enabled ? 0 : 1,
            ["currency"] = account.Options.GetText("currency") ?? "USD",
            ["can_login"] = 1,
            ["used_licenses"] = employees.Length,
            ["locations"] = locations.Length,
            ["employees"] = employees.Length,
            ["company_id"] = account.CompanyId,
        });
        return ApiEnvelope.Ok(new[] { owner });
    }

    /// <summary>
    /// Saves the owner's name, phone, login e-mail and password. Changing the e-mail or the password needs
    /// current_password, so that a leaked session token cannot take the login over; a parent account acting
    /// on its sub-account (company_id) administers it and needs none. The new e-mail is claimed before the
    /// old one is released, so no other account can take either in between.
    /// </summary>
    private static async Task<IResult> SavePersonalInfoAsync(ApiCall call, INotifier notifier, ILoggerFactory loggers)
    {
        var account = await LoadAsync(call);
        var request = call.Request;
        var changes = AccountSchemas.Personal.Bind(request.Fields, create: false);
        // An empty password is a settings form's "unchanged", not a request for an empty one.
        var newPassword = request.GetString("password", AccountSchemas.MaxPasswordLength) is { Length: > 0 } ? AccountFields.RequireNewPassword(request, "password") : null;
        var newEmail = changes.GetText("email");
        var emailMoves = newEmail is not null && NameClaims.AccountEmail(newEmail) != NameClaims.AccountEmail(account.OwnerEmail);
        if ((newPassword is not null || emailMoves) && call.CompanyId == call.Session.CompanyId)
        {
            await CheckCurrentPasswordAsync(call);
        }

        var previousEmail = account.OwnerEmail;
        if (emailMoves)
        {
            var newClaim = call.Grains.GetGrain<INameClaimGrain>(NameClaims.AccountEmail(newEmail!));
            if (!await newClaim.ClaimAsync(call.CompanyId))
            {
                throw ApiException.InvalidField("email", "is already registered to an account");
            }

            try
            {
                account = await call.Account.UpdateAsync(AccountPart.Personal, changes);
            }
            catch
            {
                await newClaim.ReleaseAsync(call.CompanyId);
                throw;
            }

            await call.Grains.GetGrain<INameClaimGrain>(NameClaims.AccountEmail(previousEmail)).ReleaseAsync(call.CompanyId);
        }
        else if (!changes.IsEmpty)
        {
            account = await call.Account.UpdateAsync(AccountPart.Personal, changes);
        }

        if (newPassword is not null)
        {
            await call.Account.SetPasswordAsync(newPassword);
            await NoticeAsync(notifier, loggers, AccountMail.PasswordChanged(account));
        }

        if (emailMoves)
        {
            await NoticeAsync(notifier, loggers, AccountMail.EmailChanged(account, previousEmail));
        }

        return ApiEnvelope.Ok(AccountViews.Summary(account));
    }

    private static async Task<IResult> SaveBusinessInfoAsync(ApiCall call, IMediaStore media)
    {
        var account = await LoadAsync(call);
        var request = call.Request;
        var changes = AccountSchemas.Profile.Bind(request.Fields, create: false);
        CheckTimeZone(changes);
        foreach (var field in new[] { "return_url", "map_url" })
        {
            if (changes.GetText(field) is { Length: > 0 } url)
            {
                changes = changes.SetItem(field, FieldValues.Text(AccountFields.WebUrl(url, field)));
            }
        }

        // logo is set by uploadLogo; here it may only be removed ("") or sent back unchanged, as clients
        // that save the record they read do.
        var currentLogo = account.Profile.GetText("logo") ?? string.Empty;
        var removeLogo = false;
        if (request.GetString("logo", 1_000) is { } logo && logo != currentLogo)
        {
            if (logo.Length > 0)
            {
                throw ApiException.InvalidField("logo", "upload a logo with POST /account/uploadLogo; here only \"\" (remove it) is accepted");
            }

            removeLogo = true;
            changes = changes.SetItem("logo", EmptyText);
        }

        changes = WithoutUnchangedPlanFields(call, account, changes);

        var currentNickname = account.Profile.GetText("nick_name") ?? string.Empty;
        var newNickname = request.GetString("nick_name", 64) is { Length: > 0 } given ? AccountFields.Nickname(given, "nick_name") : currentNickname;
        if (newNickname != currentNickname)
        {
            account = await RenameAsync(call, currentNickname, newNickname, changes);
        }
        else if (!changes.IsEmpty)
        {
            account = await call.Account.UpdateAsync(AccountPart.Profile, changes);
        }

        if (removeLogo)
        {
            await DeleteMediaAsync(media, call.CompanyId, currentLogo);
        }

        return ApiEnvelope.Ok(AccountViews.Summary(account));
    }

    /// <summary>The nickname names the booking page and is unique: the new one is claimed before the old one is freed.</summary>
    private static async Task<AccountSnapshot> RenameAsync(ApiCall call, string currentNickname, string newNickname, ImmutableDictionary<string, JsonElement> changes)
    {
        var newClaim = call.Grains.GetGrain<INameClaimGrain>(NameClaims.AccountNickname(newNickname));
        if (!await newClaim.ClaimAsync(call.CompanyId))
        {
            throw ApiException.InvalidField("nick_name", $"'{newNickname}' is already taken");
        }

        AccountSnapshot account;
        try
        {
            account = await call.Account.UpdateAsync(AccountPart.Profile, changes.SetItem("nick_name", FieldValues.Text(newNickname)));
        }
        catch
        {
            await newClaim.ReleaseAsync(call.CompanyId);
            throw;
        }

        if (currentNickname.Length > 0)
        {
            await call.Grains.GetGrain<INameClaimGrain>(NameClaims.AccountNickname(currentNickname)).ReleaseAsync(call.CompanyId);
        }

        return account;
    }

    private static async Task<IResult> GetStripeAsync(ApiCall call)
    {
        var payments = (await LoadAsync(call)).Payments;
        return ApiEnvelope.Ok(new Dictionary<string, object?>
        {
            ["stripePublishableKey"] = payments.GetText("stripe_publishable_key") ?? string.Empty,
            ["stripe_client_id"] = payments.GetText("stripe_client_id") ?? string.Empty,
        });
    }

    private static async Task<IResult> GetPaypalAsync(ApiCall call) =>
        ApiEnvelope.Ok(new Dictionary<string, object?> { ["paypal_email"] = (await LoadAsync(call)).Payments.GetText("paypal_email") ?? string.Empty });

    /// <summary>Stores the image through the one upload path and makes it the profile's logo; the previous logo is deleted.</summary>
    private static async Task<IResult> UploadLogoAsync(ApiCall call, HttpContext context, IMediaStore media)
    {
        var account = await LoadAsync(call);
        var item = await MediaApi.SaveUploadAsync(context, call.CompanyId);
        await call.Account.UpdateAsync(AccountPart.Profile, ImmutableDictionary<string, JsonElement>.Empty.Add("logo", FieldValues.Text(MediaApi.Url(item))));
        await DeleteMediaAsync(media, call.CompanyId, account.Profile.GetText("logo"));
        return ApiEnvelope.Ok(MediaApi.UploadResult(item));
    }

    /// <summary>
    /// Whether a nickname is free. A sign-up form asks before any account exists, so no session is needed
    /// while this server allows sign-up (sign-up itself would tell the same); otherwise only a session may ask.
    /// </summary>
    private static async Task<IResult> CheckNicknameAsync(HttpContext context, ApiRequest request, string? nickname, IGrainFactory grains, IOptions<AccountOptions> options)
    {
        await RequireSessionUnlessSignUpIsOpenAsync(context, request, options.Value);
        var given = nickname ?? request.GetString("nickname", 64) ?? request.GetString("nick_name", 64);
        if (string.IsNullOrWhiteSpace(given))
        {
            throw ApiException.InvalidField("nickname", "is required");
        }

        var value = AccountFields.Nickname(given, "nickname");
        var available = await grains.GetGrain<INameClaimGrain>(NameClaims.AccountNickname(value)).GetOwnerAsync() is null;
        return ApiEnvelope.Ok(new Dictionary<string, object?> { ["nick_name"] = value, ["available"] = available },
            available ? "nick_name is available" : "nick_name already exists");
    }

    /// <summary>Whether an e-mail is free for a new account (same session rule as <see cref="CheckNicknameAsync"/>).</summary>
    private static async Task<IResult> CheckEmailAsync(HttpContext context, ApiRequest request, string? email, IGrainFactory grains, IOptions<AccountOptions> options)
    {
        await RequireSessionUnlessSignUpIsOpenAsync(context, request, options.Value);
        var given = email ?? request.GetString("email", 254);
        if (string.IsNullOrWhiteSpace(given))
        {
            throw ApiException.InvalidField("email", "is required");
        }

        var value = AccountFields.Email(given, "email");
        var available = await grains.GetGrain<INameClaimGrain>(NameClaims.AccountEmail(value)).GetOwnerAsync() is null;
        return ApiEnvelope.Ok(new Dictionary<string, object?> { ["email"] = value, ["available"] = available },
            available ? "email is available" : "email already exists");
    }

    /// <summary>
    /// Sends the owner of <c>email</c> a link to <c>confirmation_url</c> carrying a one-time code. It needs a
    /// session that may act on that account: the link goes wherever the caller says, and an anonymous caller
    /// could otherwise mail a real reset code to a victim inside a link to the caller's own site.
    /// </summary>
    private static async Task<IResult> RequestPasswordResetAsync(ApiCall call, INotifier notifier, CancellationToken cancellationToken)
    {
        var email = AccountFields.Email(call.Request.RequireString("email", 254), "email");
        var confirmationUrl = AccountFields.WebUrl(call.Request.RequireString("confirmation_url", 2_000), "confirmation_url");
        var owner = await call.Grains.GetGrain<INameClaimGrain>(NameClaims.AccountEmail(email)).GetOwnerAsync();
        if (owner is not { } companyId || !await MayActOnAsync(call, companyId))
        {
            throw new NotFoundException("email: no account with this e-mail");
        }

        var account = call.Grains.GetGrain<IAccountGrain>(companyId);
        var snapshot = await account.GetAsync() ?? throw new NotFoundException("email: no account with this e-mail");
        var code = await account.StartPasswordResetAsync();
        var link = ResetLink(confirmationUrl, snapshot.OwnerEmail, code);
        await notifier.SendAsync(AccountMail.PasswordReset(snapshot, link, PasswordResetLifetime), cancellationToken);
        return ApiEnvelope.Ok(new Dictionary<string, object?>(), "Confirmation email sent");
    }

    /// <summary>Completes a reset. The e-mailed code is the credential, so no session is needed.</summary>
    private static async Task<IResult> ResetPasswordAsync(ApiRequest request, IGrainFactory grains, INotifier notifier, ILoggerFactory loggers)
    {
        var email = request.RequireString("email", 254).Trim();
        var code = request.RequireString("hash_code", 256);
        var newPassword = AccountFields.RequireNewPassword(request, "new_password");

        // One answer for an unknown e-mail and a wrong or expired code: neither confirms that an account exists.
        var refused = ApiException.InvalidField("hash_code", "is wrong or has expired; request a new password reset");
        var owner = await grains.GetGrain<INameClaimGrain>(NameClaims.AccountEmail(email)).GetOwnerAsync() ?? throw refused;
        var account = grains.GetGrain<IAccountGrain>(owner);
        if (!await account.CompletePasswordResetAsync(code, newPassword))
        {
            throw refused;
        }

        if (await account.GetAsync() is { } snapshot)
        {
            await NoticeAsync(notifier, loggers, AccountMail.PasswordChanged(snapshot));
        }

        return ApiEnvelope.Ok(new Dictionary<string, object?>(), "Password changed");
    }

    /// <summary>
    /// The snippet that embeds this account's booking page (<c>/book/{nick_name}</c> on this host) in a
    /// customer's site. Default service, provider and location must be the account's own. With
    /// <c>send_to</c> the snippet is also e-mailed (to the site's developer); <c>no_code=1</c> leaves it out
    /// of the response.
    /// </summary>
    private static async Task<IResult> GetWidgetCodeAsync(ApiCall call, HttpContext context, INotifier notifier, CancellationToken cancellationToken)
    {
        var account = await LoadAsync(call);
        var request = call.Request;
        var display = (request.GetString("overlay_option", 16)?.Trim().ToLowerInvariant() ?? "overlay") switch
        {
            "" or "overlay" => WidgetDisplay.Overlay,
            "inline" => WidgetDisplay.Inline,
            _ => throw ApiException.InvalidField("overlay_option", "must be overlay or inline"),
        };
        var position = (request.GetString("position", 16)?.Trim().ToLowerInvariant() ?? "right") switch
        {
            "" or "right" => "right",
            "left" => "left",
            _ => throw ApiException.InvalidField("position", "must be left or right"),
        };
        var buttonName = request.GetString("button_name", 64)?.Trim() is { Length: > 0 } name ? name : "Appointment";
        var buttonColor = request.GetString("button_color", 16)?.Trim() is { Length: > 0 } color ? Color(color) : "#ff0000";
        var sendTo = request.GetString("send_to", 254) is { Length: > 0 } to ? AccountFields.Email(to, "send_to") : null;

        var nickname = account.Profile.GetText("nick_name") ?? string.Empty;
        var query = new List<KeyValuePair<string, string>>();
        await AddCatalogParameterAsync(call, query, "defaultService", CatalogKind.Service);
        await AddCatalogParameterAsync(call, query, "defaultProvider", CatalogKind.Employee);
        await AddCatalogParameterAsync(call, query, "defaultLocation", CatalogKind.Location);
        if (request.GetString("returnUrl", 1_000) is { Length: > 0 } returnUrl)
        {
            query.Add(new("returnUrl", AccountFields.WebUrl(returnUrl, "returnUrl")));
        }

        if (request.GetBool("locations_map") == true)
        {
            query.Add(new("locations_map", "1"));
        }

        var page = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/book/{Uri.EscapeDataString(nickname)}";
        var url = query.Count == 0 ? page : page + "?" + string.Join("&", query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
        var companyName = account.Profile.GetText("company_name") is { Length: > 0 } company ? company : nickname;
        var html = WidgetCode.Html(new WidgetSettings(url, $"Book an appointment with {companyName}", display, position, buttonName, buttonColor));
        if (sendTo is not null)
        {
            await notifier.SendAsync(AccountMail.WidgetCode(account, sendTo, html, url), cancellationToken);
        }

        var data = new Dictionary<string, object?>();
        if (request.GetBool("no_code") != true)
        {
            data["html"] = html;
        }

        data["url"] = url;
        if (sendTo is not null)
        {
            data["send_to"] = sendTo;
        }

        return ApiEnvelope.Ok(data);
    }

    /// <summary>Checks the request's current_password against the owner's password.</summary>
    private static async Task CheckCurrentPasswordAsync(ApiCall call)
    {
        var current = call.Request.GetString("current_password", AccountSchemas.MaxPasswordLength);
        if (string.IsNullOrEmpty(current))
        {
            throw ApiException.InvalidField("current_password", "is required to change the password or the e-mail");
        }

        switch (await call.Account.VerifyPasswordAsync(current))
        {
            case CredentialCheck.Invalid:
                throw new ApiException(ApiStatus.InvalidCredentials, "current_password: is wrong");
            case CredentialCheck.AccountDisabled:
                throw new ApiException(ApiStatus.AccountNotActive, "this account is disabled");
        }
    }

    /// <summary>
    /// The plan fields (subscription type, licences, locations privilege) are the operator's or a parent's to
    /// set: an account may send them back unchanged, but only a parent acting on its sub-account may change them.
    /// </summary>
    private static ImmutableDictionary<string, JsonElement> WithoutUnchangedPlanFields(ApiCall call, AccountSnapshot account, ImmutableDictionary<string, JsonElement> changes)
    {
        foreach (var field in AccountSchemas.PlanFields)
        {
            if (!changes.TryGetValue(field, out var value))
            {
                continue;
            }

            var current = account.Profile.TryGetValue(field, out var stored) ? stored
                : AccountSchemas.Profile.TryGetField(field, out var spec) && spec.Default is { } fallback ? fallback : default;
            if (current.ValueKind != JsonValueKind.Undefined && current.GetRawText() == value.GetRawText())
            {
                changes = changes.Remove(field);
            }
            else if (call.CompanyId == call.Session.CompanyId)
            {
                throw new ApiException(ApiStatus.NotAllowed, $"{field}: is set by the account's plan; only a parent account can change it for its sub-account");
            }
        }

        return changes;
    }

    private static async Task<AccountSnapshot> LoadAsync(ApiCall call) =>
        await call.AccountAsync() ?? throw new NotFoundException($"company_id: no account {call.CompanyId}");

    private static async Task<AccountSnapshot?> UpdateAsync(ApiCall call, AccountPart part, ImmutableDictionary<string, JsonElement> changes) =>
        changes.IsEmpty ? null : await call.Account.UpdateAsync(part, changes);

    /// <summary>getOptions / saveOptions: the options, the profile fields the reference lists with them (flags as 0/1), stripe_client_id and the currency lists.</summary>
    private static Dictionary<string, object?> OptionsView(AccountSnapshot account)
    {
        var view = new Dictionary<string, object?> { ["company_id"] = account.CompanyId };
        foreach (var (name, value) in AccountSchemas.Options.Render(account.Options))
        {
            view[name] = value;
        }

        foreach (var (name, value) in AccountSchemas.OptionsInProfile.Render(account.Profile))
        {
            view[name] = value is JsonElement { ValueKind: JsonValueKind.True or JsonValueKind.False } flag ? (flag.GetBoolean() ? 1 : 0) : value;
        }

        view["currenciesStripe"] = PaymentCurrencies.Stripe;
        view["currenciesPaypal"] = PaymentCurrencies.Paypal;
        view["stripe_client_id"] = account.Payments.GetText("stripe_client_id") ?? string.Empty;
        return view;
    }

    /// <summary>The request's fields with those of the reference's nested <c>email_settings</c> object beneath them (top-level values win).</summary>
    private static IReadOnlyDictionary<string, JsonElement> WithEmailSettings(ApiRequest request)
    {
        if (request.GetElement("email_settings") is not { } nested)
        {
            return request.Fields;
        }

        if (nested.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.InvalidField("email_settings", "must be an object");
        }

        var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in nested.EnumerateObject())
        {
            fields[property.Name] = property.Value;
        }

        foreach (var (name, value) in request.Fields)
        {
            fields[name] = value;
        }

        return fields;
    }

    private static string CurrencyCode(string value, string field) =>
        value.Length == 3 && value.All(char.IsAsciiLetter) ? value.ToUpperInvariant() : throw ApiException.InvalidField(field, "must be a 3-letter ISO 4217 code");

    private static void CheckTimeZone(IReadOnlyDictionary<string, JsonElement> values)
    {
        if (values.GetInt("timezone_id") is { } id && !Grains.TimeZones.TimeZoneTable.Embedded.TryGet(id, out _))
        {
            throw ApiException.InvalidField("timezone_id", $"{id} is not a time zone id");
        }
    }

    /// <summary>Only public identifiers are stored: a Stripe secret key pasted by mistake is refused, never kept.</summary>
    private static void CheckPaymentKeys(IReadOnlyDictionary<string, JsonElement> payments)
    {
        if (payments.GetText("stripe_publishable_key") is { Length: > 0 } key && !key.StartsWith("pk_", StringComparison.Ordinal))
        {
            throw ApiException.InvalidField("stripe_publishable_key", "must be a Stripe publishable key (pk_...); secret keys are never stored");
        }

        if (payments.GetText("stripe_client_id") is { Length: > 0 } clientId && !clientId.StartsWith("ca_", StringComparison.Ordinal))
        {
            throw ApiException.InvalidField("stripe_client_id", "must be a Stripe Connect client id (ca_...)");
        }
    }

    private static string Color(string value) =>
        HexColor().IsMatch(value)
            ? "#" + (value.TrimStart('#') is { Length: 3 } short3 ? string.Concat(short3.Select(c => $"{c}{c}")) : value.TrimStart('#')).ToLowerInvariant()
            : throw ApiException.InvalidField("button_color", "must be a hex color like ff0000");

    private static async Task AddCatalogParameterAsync(ApiCall call, List<KeyValuePair<string, string>> query, string field, CatalogKind kind)
    {
        if (call.Request.GetId(field) is not { } id)
        {
            return;
        }

        if (!(await call.Account.GetCatalogAsync(kind)).Contains(id))
        {
            throw new NotFoundException($"{field}: {KindName(kind)} {id} not found");
        }

        query.Add(new(field, FieldValues.Invariant(id)));
    }

    private static string KindName(CatalogKind kind) => kind switch
    {
        CatalogKind.Employee => "provider",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The reference's link: confirmation_url + "?email=...&amp;hash_code=..." as plain text, so that a single-page
    /// app's route in the fragment ("https://app/#/reset") gets the parameters; joined with "&amp;" when the
    /// URL (or its fragment) already has a query.
    /// </summary>
    private static string ResetLink(string confirmationUrl, string email, string code)
    {
        var hash = confirmationUrl.IndexOf('#', StringComparison.Ordinal);
        var tail = hash < 0 ? confirmationUrl : confirmationUrl[hash..];
        var separator = tail.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        return $"{confirmationUrl}{separator}email={Uri.EscapeDataString(email)}&hash_code={Uri.EscapeDataString(code)}";
    }

    /// <summary>Whether the session may act on the account: its own, the one named by company_id, or one of its sub-accounts.</summary>
    private static async Task<bool> MayActOnAsync(ApiCall call, long companyId)
    {
        if (companyId == call.CompanyId || companyId == call.Session.CompanyId)
        {
            return true;
        }

        var own = await call.Grains.GetGrain<IAccountGrain>(call.Session.CompanyId).GetAsync();
        return own is not null && own.SubAccounts.Contains(companyId);
    }

    private static async Task RequireSessionUnlessSignUpIsOpenAsync(HttpContext context, ApiRequest request, AccountOptions options)
    {
        if (ApiCall.SessionToken(context, request) is not null)
        {
            await ApiCall.BindAsync(context);
        }
        else if (!options.AllowSignUp)
        {
            throw new ApiException(ApiStatus.NotAllowed, "session_token: is required (sign-up is closed on this server)");
        }
    }

    /// <summary>Deletes a replaced logo when it is one of the company's uploads (a URL from <see cref="MediaApi.Url"/>).</summary>
    private static async Task DeleteMediaAsync(IMediaStore media, long companyId, string? url)
    {
        var parts = url?.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts is ["media", var id, _] && long.TryParse(id, out var mediaId))
        {
            await media.DeleteAsync(companyId, mediaId, CancellationToken.None);
        }
    }

    /// <summary>
    /// A security notice about a change already saved: a failure to send is logged, not reported, because
    /// the change stands either way and the caller must not retry it.
    /// </summary>
    private static async Task NoticeAsync(INotifier notifier, ILoggerFactory loggers, EmailMessage message)
    {
        try
        {
            await notifier.SendAsync(message, CancellationToken.None);
        }
        catch (Exception ex)
        {
            loggers.CreateLogger(typeof(AccountSettingsApi).FullName!).LogWarning(ex, "Could not send the notice '{Subject}'", message.Subject);
        }
    }

    [GeneratedRegex("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")]
    private static partial Regex HexColor();
}
