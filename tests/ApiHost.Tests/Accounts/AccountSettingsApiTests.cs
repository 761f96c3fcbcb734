using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Accounts;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.Grains.Notifications;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Accounts;

public abstract partial class AccountSettingsApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    private const string Password = "correct horse battery";

    // A 1x1 PNG.
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    protected CapturingNotifier Mail { get; } = new();

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<INotifier>(Mail);

    [Fact]
    public async Task AccountInfoIsTheSummaryWithHolidaysAndBusinessHours()
    {
        var tenant = await SignUpAsync();
        Assert.Equal(0, (await tenant.PostJsonAsync("/api/v2/account/saveBussinessInfo", new { business_hours = "Mon-Fri 9-5" })).StatusCode);
        Assert.Equal(0, (await tenant.PostJsonAsync("/api/v2/availability/saveHoliday", new { name = "Memorial Day", type = 1, month = 4, day_in_week = 0, day_order = 4 })).StatusCode);

        var info = await tenant.GetAsync("/api/v2/account/getAccountInfo");

        Assert.Equal(0, info.StatusCode);
        Assert.Equal(tenant.CompanyId, info.Data.GetProperty("company_id").GetInt64());
        Assert.Equal(tenant.Nickname, info.Data.GetProperty("nick_name").GetString());
        Assert.Equal("Memorial Day", Assert.Single(info.Data.GetProperty("holidays").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal("Mon-Fri 9-5", info.Data.GetProperty("business_hours").GetString());
        Assert.Equal("Mon-Fri 9-5", info.Data.GetProperty("company_business_hours").GetString());
        Assert.False(info.Data.TryGetProperty("password", out _));
    }

    [Fact]
    public async Task OptionsStartWithTheReferenceDefaults()
    {
        var tenant = await SignUpAsync();

        var options = (await tenant.GetAsync("/api/v2/account/getOptions")).Data;

        Assert.Equal(tenant.CompanyId, options.GetProperty("company_id").GetInt64());
        Assert.Equal("USD", options.GetProperty("currency").GetString());
        Assert.Equal(1, options.GetProperty("select_single_service").GetInt32());
        Assert.Equal("d", options.GetProperty("default_calendar_view").GetString());
        Assert.Equal(24, options.GetProperty("send_reminder").GetInt32());
        Assert.Equal(553, options.GetProperty("timezone_id").GetInt32());
        Assert.Equal("en", options.GetProperty("lang").GetString());
        Assert.Equal(1, options.GetProperty("notify_app_unconfirmed").GetInt32());
        Assert.Equal(0, options.GetProperty("send_to_contact").GetInt32());
        Assert.Equal(string.Empty, options.GetProperty("stripe_client_id").GetString());
        Assert.Contains("USD", options.GetProperty("currenciesStripe").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("EUR", options.GetProperty("currenciesPaypal").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task SavedOptionsRoundTripWithLenientScalars()
    {
        var tenant = await SignUpAsync();

        var saved = await tenant.PostJsonAsync("/api/v2/account/saveOptions", new
        {
            hide_contact = "1",
            show_email = true,
            select_single_service = 0,
            auto_confirm = "true",
            month_view_availability = "0",
            email_confirmation = "1",
            duration_padding = "30",
            start_step = 15,
            prior_notice = "2",
            send_reminder = "48",
            currency = "eur",
            default_calendar_view = "w",
            timezone_id = "458",
            lang = "fr",
            notify_app_unpaid = "0",
            layout_params = "a:0:{}",
        });
        Assert.Equal(0, saved.StatusCode);

        var options = (await tenant.GetAsync("/api/v2/account/getOptions")).Data;
        Assert.Equal(1, options.GetProperty("hide_contact").GetInt32());
        Assert.Equal(1, options.GetProperty("show_email").GetInt32());
        Assert.Equal(0, options.GetProperty("select_single_service").GetInt32());
        Assert.Equal(1, options.GetProperty("auto_confirm").GetInt32());
        Assert.Equal(0, options.GetProperty("month_view_availability").GetInt32());
        Assert.Equal(1, options.GetProperty("email_confirmation").GetInt32());
        Assert.Equal(JsonValueKind.Number, options.GetProperty("duration_padding").ValueKind);
        Assert.Equal(30, options.GetProperty("duration_padding").GetInt32());
        Assert.Equal(15, options.GetProperty("start_step").GetInt32());
        Assert.Equal(2, options.GetProperty("prior_notice").GetInt32());
        Assert.Equal(48, options.GetProperty("send_reminder").GetInt32());
        Assert.Equal("EUR", options.GetProperty("currency").GetString());
        Assert.Equal("w", options.GetProperty("default_calendar_view").GetString());
        Assert.Equal(458, options.GetProperty("timezone_id").GetInt32());
        Assert.Equal("fr", options.GetProperty("lang").GetString());
        Assert.Equal(0, options.GetProperty("notify_app_unpaid").GetInt32());
        Assert.Equal("a:0:{}", options.GetProperty("layout_params").GetString());
        Assert.Equal(0, options.GetProperty("hide_about").GetInt32());
        Assert.Equal(saved.Data.GetRawText(), options.GetRawText());

        // One time zone and one language per account: the profile shows what the options saved.
        var account = (await tenant.GetAsync("/api/v2/account")).Data;
        Assert.Equal(458, account.GetProperty("timezone_id").GetInt32());
        Assert.Equal("fr", account.GetProperty("lang").GetString());
        Assert.False(account.GetProperty("notify_app_unpaid").GetBoolean());
    }

    [Fact]
    public async Task SaveOptionsReadsAFormBodyAndTheNestedEmailSettings()
    {
        var tenant = await SignUpAsync();

        var saved = await tenant.PostFormAsync("/api/v2/account/saveOptions", new
        {
            email_settings = new { widget_send_client_emails = 0, widget_send_provider_emails = "0", send_reminder = 2 },
            send_reminder = "6",
        });

        Assert.Equal(0, saved.StatusCode);
        var options = (await tenant.GetAsync("/api/v2/account/getOptions")).Data;
        Assert.Equal(0, options.GetProperty("widget_send_client_emails").GetInt32());
        Assert.Equal(0, options.GetProperty("widget_send_provider_emails").GetInt32());
        Assert.Equal(6, options.GetProperty("send_reminder").GetInt32());
    }

    [Theory]
    [InlineData("\"duration_padding\":\"thirty\"", "duration_padding")]
    [InlineData("\"hide_contact\":\"maybe\"", "hide_contact")]
    [InlineData("\"hide_contact\":2", "hide_contact")]
    [InlineData("\"default_calendar_view\":\"m\"", "default_calendar_view")]
    [InlineData("\"send_reminder\":-1", "send_reminder")]
    [InlineData("\"currency\":\"EURO\"", "currency")]
    [InlineData("\"currency\":\"E1R\"", "currency")]
    [InlineData("\"timezone_id\":999999", "timezone_id")]
    [InlineData("\"lang\":\"de\"", "lang")]
    [InlineData("\"stripe_publishable_key\":\"sk_live_secret\"", "stripe_publishable_key")]
    [InlineData("\"stripe_client_id\":\"xyz\"", "stripe_client_id")]
    [InlineData("\"paypal_email\":\"not-an-email\"", "paypal_email")]
    [InlineData("\"email_settings\":\"all\"", "email_settings")]
    [InlineData("\"email_settings\":{\"send_reminder\":\"soon\"}", "send_reminder")]
    [InlineData("\"prior_notice\":{\"hours\":2}", "prior_notice")]
    [InlineData("\"hide_about\":", "body")]
    public async Task SaveOptionsWithABadValueIsRefusedNamingItAndChangesNothing(string badField, string field)
    {
        var tenant = await SignUpAsync();
        var body = "{\"prior_notice\":5,\"layout_params\":\"x\"," + badField + "}";

        var refused = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/account/saveOptions", new StringContent(body, Encoding.UTF8, "application/json")));

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith(field + ":", refused.StatusDescriptions);
        var options = (await tenant.GetAsync("/api/v2/account/getOptions")).Data;
        Assert.Equal(0, options.GetProperty("prior_notice").GetInt32());
        Assert.Equal(string.Empty, options.GetProperty("layout_params").GetString());
    }

    [Fact]
    public async Task AnOversizedOptionIsRefusedNamingIt()
    {
        var tenant = await SignUpAsync();

        var refused = await tenant.PostJsonAsync("/api/v2/account/saveOptions", new { layout_params = new string('x', 4_001) });

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith("layout_params:", refused.StatusDescriptions);
    }

    [Fact]
    public async Task PaymentSettingsAreSavedWithTheOptionsAndReadBackByGetStripeAndGetPaypal()
    {
        var tenant = await SignUpAsync();
        Assert.Equal("", (await tenant.GetAsync("/api/v2/account/getStripe")).Data.GetProperty("stripePublishableKey").GetString());

        var saved = await tenant.PostJsonAsync("/api/v2/account/saveOptions", new
        {
            stripe_publishable_key = "pk_test_123",
            stripe_client_id = "ca_456",
            paypal_email = "pay@example.com",
        });

        Assert.Equal(0, saved.StatusCode);
        Assert.Equal("ca_456", saved.Data.GetProperty("stripe_client_id").GetString());
        var stripe = await tenant.GetAsync("/api/v2/account/getStripe");
        Assert.Equal("pk_test_123", stripe.Data.GetProperty("stripePublishableKey").GetString());
        Assert.Equal("ca_456", stripe.Data.GetProperty("stripe_client_id").GetString());
        var paypal = await tenant.GetAsync("/api/v2/account/getPaypal");
        Assert.Equal("pay@example.com", paypal.Data.GetProperty("paypal_email").GetString());
    }

    [Fact]
    public async Task PersonalInfoListsTheOwnerWithLicenceCounts()
    {
        var tenant = await SignUpAsync();

        var info = await tenant.GetAsync("/api/v2/account/getPersonalInfo");

        Assert.Equal(0, info.StatusCode);
        var owner = Assert.Single(info.Data.EnumerateArray());
        Assert.Equal(tenant.Email, owner.GetProperty("email").GetString());
        Assert.Equal(1, owner.GetProperty("is_owner").GetInt32());
        Assert.Equal(1, owner.GetProperty("can_login").GetInt32());
        Assert.Equal(0, owner.GetProperty("status").GetInt32());
        Assert.Equal("USD", owner.GetProperty("currency").GetString());
        Assert.Equal(0, owner.GetProperty("used_licenses").GetInt32());
        Assert.Equal(0, owner.GetProperty("locations").GetInt32());
        Assert.Equal(0, owner.GetProperty("employees").GetInt32());
        Assert.Equal(tenant.CompanyId, owner.GetProperty("company_id").GetInt64());
        Assert.Contains("settings", owner.GetProperty("permissions").GetString());
        Assert.False(owner.TryGetProperty("password", out _));
    }

    [Fact]
    public async Task NameAndPhoneChangeWithoutThePassword()
    {
        var tenant = await SignUpAsync();

        var saved = await tenant.PostJsonAsync("/api/v2/account/savePersonalInfo", new { first_name = "Ann", last_name = "Lee", phone = "555 0100" });

        Assert.Equal(0, saved.StatusCode);
        Assert.Equal("Ann", saved.Data.GetProperty("first_name").GetString());
        var owner = (await tenant.GetAsync("/api/v2/account/getPersonalInfo")).Data[0];
        Assert.Equal("Ann", owner.GetProperty("first_name").GetString());
        Assert.Equal("Lee", owner.GetProperty("last_name").GetString());
        Assert.Equal("555 0100", owner.GetProperty("phone").GetString());
        Assert.Empty(Mail.Sent);
    }

    [Fact]
    public async Task APasswordChangeNeedsTheCurrentPasswordAndThenTheNewOneIsTheOneThatCounts()
    {
        var tenant = await SignUpAsync();
        const string url = "/api/v2/account/savePersonalInfo";

        var missing = await tenant.PostJsonAsync(url, new { password = "a brand new secret" });
        var wrong = await tenant.PostJsonAsync(url, new { password = "a brand new secret", current_password = "not the password" });
        var tooShort = await tenant.PostJsonAsync(url, new { password = "short", current_password = Password });
        var tooLong = await tenant.PostJsonAsync(url, new { password = new string('p', 129), current_password = Password });
        Assert.Equal((400, 1), (missing.HttpStatus, missing.StatusCode));
        Assert.StartsWith("current_password:", missing.StatusDescriptions);
        Assert.Equal((401, 2), (wrong.HttpStatus, wrong.StatusCode));
        Assert.Equal((400, 1), (tooShort.HttpStatus, tooShort.StatusCode));
        Assert.StartsWith("password:", tooShort.StatusDescriptions);
        Assert.StartsWith("password:", tooLong.StatusDescriptions);

        var changed = await tenant.PostJsonAsync(url, new { password = "a brand new secret", current_password = Password });
        Assert.Equal(0, changed.StatusCode);

        var oldOneNoLongerWorks = await tenant.PostJsonAsync(url, new { password = "yet another secret", current_password = Password });
        var newOneWorks = await tenant.PostJsonAsync(url, new { password = "yet another secret", current_password = "a brand new secret" });
        Assert.Equal((401, 2), (oldOneNoLongerWorks.HttpStatus, oldOneNoLongerWorks.StatusCode));
        Assert.Equal(0, newOneWorks.StatusCode);

        // The API key is another credential: the session and authentication keep working.
        Assert.Equal(0, (await tenant.GetAsync("/api/v2/account")).StatusCode);
        Assert.Equal(0, (await AuthenticateAsync(tenant.Email, tenant.ApiKey)).StatusCode);
        Assert.Equal(2, Mail.To(tenant.Email).Count(m => m.Subject.Contains("password", StringComparison.OrdinalIgnoreCase) && m.Subject.Contains("changed")));
    }

    [Fact]
    public async Task AnEmailChangeMovesTheLoginAndTheUniqueClaim()
    {
        var tenant = await SignUpAsync();
        var newEmail = $"moved-{Guid.NewGuid():N}@example.test";

        var refused = await tenant.PostJsonAsync("/api/v2/account/savePersonalInfo", new { email = newEmail });
        Assert.StartsWith("current_password:", refused.StatusDescriptions);

        var saved = await tenant.PostJsonAsync("/api/v2/account/savePersonalInfo", new { email = newEmail, current_password = Password });

        Assert.Equal(0, saved.StatusCode);
        Assert.Equal(newEmail, saved.Data.GetProperty("email").GetString());
        Assert.Equal(0, (await AuthenticateAsync(newEmail, tenant.ApiKey)).StatusCode);
        var oldEmail = await AuthenticateAsync(tenant.Email, tenant.ApiKey);
        Assert.Equal((401, 2), (oldEmail.HttpStatus, oldEmail.StatusCode));
        Assert.True((await Anonymous.GetEnvelopeAsync($"/api/v2/account/checkemail/{tenant.Email}")).Data.GetProperty("available").GetBoolean());
        Assert.False((await Anonymous.GetEnvelopeAsync($"/api/v2/account/checkemail/{newEmail}")).Data.GetProperty("available").GetBoolean());
        Assert.Single(Mail.To(tenant.Email), m => m.TextBody.Contains(newEmail));

        // The old address is free for someone else now.
        var reuse = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/account", new
        {
            company_name = "Reuse",
            nick_name = $"reuse-{Guid.NewGuid():N}"[..20],
            email = tenant.Email,
            password = Password,
        }));
        Assert.Equal(0, reuse.StatusCode);
    }

    [Fact]
    public async Task AnEmailChangeToAnAddressInUseIsRefusedAndKeepsTheOldOne()
    {
        var tenant = await SignUpAsync();
        var other = await SignUpAsync("other");

        var refused = await tenant.PostJsonAsync("/api/v2/account/savePersonalInfo", new { email = other.Email.ToUpperInvariant(), current_password = Password });

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith("email:", refused.StatusDescriptions);
        Assert.Equal(tenant.Email, (await tenant.GetAsync("/api/v2/account")).Data.GetProperty("email").GetString());
        Assert.Equal(0, (await AuthenticateAsync(tenant.Email, tenant.ApiKey)).StatusCode);
        Assert.Equal(0, (await AuthenticateAsync(other.Email, other.ApiKey)).StatusCode);
    }

    [Theory]
    [InlineData("""{"email":"not-an-email"}""", "email")]
    [InlineData("""{"email":null}""", "email")]
    [InlineData("""{"first_name":["Ann"]}""", "first_name")]
    [InlineData("""{"phone":"012345678901234567890123456789012"}""", "phone")]
    public async Task SavePersonalInfoWithABadFieldIsRefusedNamingIt(string body, string field)
    {
        var tenant = await SignUpAsync();

        var refused = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/account/savePersonalInfo", new StringContent(body, Encoding.UTF8, "application/json")));

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith(field + ":", refused.StatusDescriptions);
    }

    [Fact]
    public async Task AParentSetsItsSubAccountsPasswordWithoutKnowingTheCurrentOne()
    {
        var parent = await SignUpAsync("parent");
        var child = await SignInSubAccountAsync(parent);

        var changed = await parent.PostJsonAsync($"/api/v2/account/savePersonalInfo?company_id={child.CompanyId}", new { password = "set by the parent" });

        Assert.Equal(0, changed.StatusCode);
        Assert.Equal(child.Email, changed.Data.GetProperty("email").GetString());
        Assert.Single(Mail.To(child.Email));
    }

    [Fact]
    public async Task BusinessInfoIsSavedAndReturnedAsTheSummary()
    {
        var tenant = await SignUpAsync();

        var saved = await tenant.PostJsonAsync("/api/v2/account/saveBussinessInfo", new
        {
            company_name = "Apple",
            website = "www.example.com",
            contact = "front@example.com",
            phone = "(310) 123-4567",
            timezone_id = "448",
            paragraph = "We are a...",
            return_url = "https://www.example.com/thanks",
            show_map_profile = "1",
            send_to_contact = "1",
        });

        Assert.Equal(0, saved.StatusCode);
        var account = (await tenant.GetAsync("/api/v2/account")).Data;
        Assert.Equal("Apple", account.GetProperty("company_name").GetString());
        Assert.Equal("front@example.com", account.GetProperty("contact").GetString());
        Assert.Equal(448, account.GetProperty("timezone_id").GetInt32());
        Assert.Equal("https://www.example.com/thanks", account.GetProperty("return_url").GetString());
        Assert.True(account.GetProperty("show_map_profile").GetBoolean());
        Assert.Equal(1, account.GetProperty("send_to_contact").GetInt32());
        Assert.Equal(tenant.Nickname, account.GetProperty("nick_name").GetString());
        Assert.Equal(account.GetRawText(), saved.Data.GetRawText());
    }

    [Theory]
    [InlineData("""{"company_name":""}""", "company_name")]
    [InlineData("""{"company_name":null}""", "company_name")]
    [InlineData("""{"timezone_id":999999}""", "timezone_id")]
    [InlineData("""{"timezone_id":"abc"}""", "timezone_id")]
    [InlineData("""{"return_url":"javascript:alert(1)"}""", "return_url")]
    [InlineData("""{"map_url":"/relative"}""", "map_url")]
    [InlineData("""{"contact":"nobody"}""", "contact")]
    [InlineData("""{"lang":"de"}""", "lang")]
    [InlineData("""{"account_type":3}""", "account_type")]
    [InlineData("""{"show_map_profile":"sometimes"}""", "show_map_profile")]
    [InlineData("""{"nick_name":"No Spaces Allowed"}""", "nick_name")]
    [InlineData("""{"logo":"https://evil.example/logo.png"}""", "logo")]
    public async Task BusinessInfoWithABadFieldIsRefusedNamingIt(string body, string field)
    {
        var tenant = await SignUpAsync();

        var refused = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/account/saveBussinessInfo", new StringContent(body, Encoding.UTF8, "application/json")));

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith(field + ":", refused.StatusDescriptions);
    }

    [Fact]
    public async Task AnOversizedBusinessFieldIsRefusedNamingIt()
    {
        var tenant = await SignUpAsync();

        var refused = await tenant.PostJsonAsync("/api/v2/account/saveBussinessInfo", new { website = new string('w', 256) });

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith("website:", refused.StatusDescriptions);
    }

    [Fact]
    public async Task RenamingTheNicknameClaimsTheNewOneAndFreesTheOldOne()
    {
        var tenant = await SignUpAsync();
        var other = await SignUpAsync("other");
        var renamed = $"renamed-{Guid.NewGuid():N}"[..24];

        var taken = await tenant.PostJsonAsync("/api/v2/account/saveBussinessInfo", new { nick_name = other.Nickname });
        Assert.StartsWith("nick_name:", taken.StatusDescriptions);

        var saved = await tenant.PostJsonAsync("/api/v2/account/saveBussinessInfo", new { nick_name = renamed.ToUpperInvariant() });

        Assert.Equal(0, saved.StatusCode);
        Assert.Equal(renamed, saved.Data.GetProperty("nick_name").GetString());
        Assert.True((await Anonymous.GetEnvelopeAsync($"/api/v2/account/checknickname/{tenant.Nickname}")).Data.GetProperty("available").GetBoolean());
        Assert.False((await Anonymous.GetEnvelopeAsync($"/api/v2/account/checknickname/{renamed}")).Data.GetProperty("available").GetBoolean());
        Assert.False((await Anonymous.GetEnvelopeAsync($"/api/v2/account/checknickname/{other.Nickname}")).Data.GetProperty("available").GetBoolean());
    }

    [Fact]
    public async Task TheAccountCannotChangeItsOwnPlanButMaySendItBackUnchanged()
    {
        var tenant = await SignUpAsync();

        var raised = await tenant.PostJsonAsync("/api/v2/account/saveBussinessInfo", new { max_providers = 50 });
        var echoed = await tenant.PostJsonAsync("/api/v2/account/saveBussinessInfo", new { company_name = "Same plan", max_providers = 0, account_type = "0", enable_locations = true });

        Assert.Equal((403, 8), (raised.HttpStatus, raised.StatusCode));
        Assert.StartsWith("max_providers:", raised.StatusDescriptions);
        Assert.Equal(0, echoed.StatusCode);
        Assert.Equal(0, (await tenant.GetAsync("/api/v2/account")).Data.GetProperty("max_providers").GetInt32());
    }

    [Fact]
    public async Task AParentSetsItsSubAccountsPlan()
    {
        var parent = await SignUpAsync("parent");
        var child = await SignInSubAccountAsync(parent);

        var saved = await parent.PostJsonAsync($"/api/v2/account/saveBussinessInfo?company_id={child.CompanyId}", new { max_providers = 5 });

        Assert.Equal(0, saved.StatusCode);
        Assert.Equal(5, saved.Data.GetProperty("max_providers").GetInt32());
        Assert.Equal(child.CompanyId, saved.Data.GetProperty("company_id").GetInt64());
        Assert.Equal(0, (await parent.GetAsync("/api/v2/account")).Data.GetProperty("max_providers").GetInt32());
    }

    [Fact]
    public async Task AnUploadedLogoIsServedBackWithItsBytesAndContentType()
    {
        var tenant = await SignUpAsync();

        var uploaded = await UploadAsync(tenant, Png, "logo.png");

        Assert.Equal(0, uploaded.StatusCode);
        var location = uploaded.Data.GetProperty("file_location").GetString()!;
        Assert.True(uploaded.Data.GetProperty("upload_id").GetInt64() > 0);
        Assert.Equal(location, (await tenant.GetAsync("/api/v2/account")).Data.GetProperty("logo").GetString());
        using var image = await Anonymous.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await image.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task ANewLogoReplacesTheOldOneAndAnEmptyLogoRemovesIt()
    {
        var tenant = await SignUpAsync();
        var first = (await UploadAsync(tenant, Png, "first.png")).Data.GetProperty("file_location").GetString()!;
        var second = (await UploadAsync(tenant, Png, "second.png")).Data.GetProperty("file_location").GetString()!;

        Assert.Equal(HttpStatusCode.NotFound, (await Anonymous.GetAsync(first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Anonymous.GetAsync(second)).StatusCode);

        // Sending the current logo back is not a change; "" removes it.
        Assert.Equal(0, (await tenant.PostJsonAsync("/api/v2/account/saveBussinessInfo", new { logo = second })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Anonymous.GetAsync(second)).StatusCode);
        Assert.Equal(0, (await tenant.PostJsonAsync("/api/v2/account/saveBussinessInfo", new { logo = "" })).StatusCode);

        Assert.Equal(string.Empty, (await tenant.GetAsync("/api/v2/account")).Data.GetProperty("logo").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Anonymous.GetAsync(second)).StatusCode);
    }

    [Fact]
    public async Task AnUploadThatIsNotAnImageIsRefusedAndTheLogoStays()
    {
        var tenant = await SignUpAsync();

        var refused = await UploadAsync(tenant, Encoding.UTF8.GetBytes("<svg onload=alert(1)>"), "logo.png");
        var empty = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/account/uploadLogo", new MultipartFormDataContent()));
        var notMultipart = await tenant.PostJsonAsync("/api/v2/account/uploadLogo", new { logo = "x" });

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith("file:", refused.StatusDescriptions);
        Assert.Equal((400, 1), (empty.HttpStatus, empty.StatusCode));
        Assert.Equal((400, 1), (notMultipart.HttpStatus, notMultipart.StatusCode));
        Assert.Equal(string.Empty, (await tenant.GetAsync("/api/v2/account")).Data.GetProperty("logo").GetString());
    }

    [Fact]
    public async Task CheckNicknameAnswersForTakenAndFreeNamesInThePathOrTheQuery()
    {
        var tenant = await SignUpAsync();
        var free = $"free-{Guid.NewGuid():N}"[..20];

        var takenByPath = await Anonymous.GetEnvelopeAsync($"/api/v2/account/checknickname/{tenant.Nickname.ToUpperInvariant()}");
        var takenByQuery = await Anonymous.GetEnvelopeAsync($"/api/v2/account/checknickname?nickname={tenant.Nickname}");
        var freeByPath = await Anonymous.GetEnvelopeAsync($"/api/v2/account/checknickname/{free}");
        var withSession = await tenant.GetAsync($"/api/v2/account/checknickname/{free}");

        Assert.Equal(0, takenByPath.StatusCode);
        Assert.Equal("nick_name already exists", takenByPath.StatusDescriptions);
        Assert.False(takenByPath.Data.GetProperty("available").GetBoolean());
        Assert.Equal(tenant.Nickname, takenByPath.Data.GetProperty("nick_name").GetString());
        Assert.False(takenByQuery.Data.GetProperty("available").GetBoolean());
        Assert.True(freeByPath.Data.GetProperty("available").GetBoolean());
        Assert.Equal("nick_name is available", freeByPath.StatusDescriptions);
        Assert.True(withSession.Data.GetProperty("available").GetBoolean());
    }

    [Fact]
    public async Task CheckEmailAnswersForTakenAndFreeAddressesInThePathOrTheQuery()
    {
        var tenant = await SignUpAsync();

        var takenByPath = await Anonymous.GetEnvelopeAsync($"/api/v2/account/checkemail/{tenant.Email.ToUpperInvariant()}");
        var takenByQuery = await Anonymous.GetEnvelopeAsync($"/api/v2/account/checkemail?email={Uri.EscapeDataString(tenant.Email)}");
        var free = await Anonymous.GetEnvelopeAsync($"/api/v2/account/checkemail/nobody-{Guid.NewGuid():N}@example.test");

        Assert.Equal("email already exists", takenByPath.StatusDescriptions);
        Assert.False(takenByPath.Data.GetProperty("available").GetBoolean());
        Assert.False(takenByQuery.Data.GetProperty("available").GetBoolean());
        Assert.True(free.Data.GetProperty("available").GetBoolean());
    }

    [Theory]
    [InlineData("/api/v2/account/checknickname/ab", "nickname")]
    [InlineData("/api/v2/account/checknickname", "nickname")]
    [InlineData("/api/v2/account/checknickname/has%20space", "nickname")]
    [InlineData("/api/v2/account/checkemail/not-an-email", "email")]
    [InlineData("/api/v2/account/checkemail", "email")]
    public async Task AnInvalidNameToCheckIsRefusedNamingIt(string url, string field)
    {
        var refused = await Anonymous.GetEnvelopeAsync(url);

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith(field + ":", refused.StatusDescriptions);
    }

    [Fact]
    public async Task ThePasswordResetFlowWorksThroughTheEmailedLink()
    {
        var tenant = await SignUpAsync();

        var requested = await tenant.PostJsonAsync("/api/v2/account/request_password_reset", new
        {
            email = tenant.Email,
            confirmation_url = "https://app.example/reset?from=mail",
        });

        Assert.Equal(0, requested.StatusCode);
        Assert.Equal("Confirmation email sent", requested.StatusDescriptions);
        var message = Assert.Single(Mail.To(tenant.Email));
        var link = new Uri(ResetLink().Match(message.TextBody).Value);
        Assert.Contains(link.AbsoluteUri, message.HtmlBody!.Replace("&amp;", "&", StringComparison.Ordinal));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(link.Query);
        Assert.Equal("mail", query["from"]);
        Assert.Equal(tenant.Email, query["email"]);
        var code = query["hash_code"].ToString();
        Assert.NotEmpty(code);

        var reset = await Envelope.ReadAsync(await Anonymous.PostAsync(
            $"/api/v2/account/reset_password?email={Uri.EscapeDataString(tenant.Email)}&hash_code={Uri.EscapeDataString(code)}&new_password=reset%20and%20renewed", null));

        Assert.Equal(0, reset.StatusCode);
        Assert.Equal("Password changed", reset.StatusDescriptions);
        var verified = await tenant.PostJsonAsync("/api/v2/account/savePersonalInfo", new { password = "and once more now", current_password = "reset and renewed" });
        Assert.Equal(0, verified.StatusCode);

        // The code works once.
        var again = await Anonymous.PostAsJsonAsync("/api/v2/account/reset_password", new { email = tenant.Email, hash_code = code, new_password = "another new one" });
        var replay = await Envelope.ReadAsync(again);
        Assert.Equal((400, 1), (replay.HttpStatus, replay.StatusCode));
        Assert.StartsWith("hash_code:", replay.StatusDescriptions);
    }

    [Theory]
    [InlineData("https://app.example/#/reset", "https://app.example/#/reset?email=")]
    [InlineData("https://app.example/?a=1#/reset?step=2", "https://app.example/?a=1#/reset?step=2&email=")]
    [InlineData("http://localhost:3000/reset", "http://localhost:3000/reset?email=")]
    public async Task TheResetLinkAppendsTheParametersToTheConfirmationUrlAsTheReferenceSays(string confirmationUrl, string expectedStart)
    {
        var tenant = await SignUpAsync();

        await tenant.PostJsonAsync("/api/v2/account/request_password_reset", new { email = tenant.Email, confirmation_url = confirmationUrl });

        var message = Assert.Single(Mail.To(tenant.Email));
        Assert.Contains(expectedStart + Uri.EscapeDataString(tenant.Email) + "&hash_code=", message.TextBody);
    }

    [Fact]
    public async Task AnEmptyPasswordInPersonalInfoLeavesThePasswordAsItIs()
    {
        var tenant = await SignUpAsync();

        var saved = await tenant.PostJsonAsync("/api/v2/account/savePersonalInfo", new { first_name = "Ann", password = "" });

        Assert.Equal(0, saved.StatusCode);
        Assert.Equal(0, (await tenant.PostJsonAsync("/api/v2/account/savePersonalInfo", new { password = "a brand new secret", current_password = Password })).StatusCode);
    }

    [Fact]
    public async Task AWrongResetCodeOrUnknownEmailGetsTheSameClearError()
    {
        var tenant = await SignUpAsync();
        await tenant.PostJsonAsync("/api/v2/account/request_password_reset", new { email = tenant.Email, confirmation_url = "https://app.example/reset" });

        var wrongCode = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/account/reset_password",
            new { email = tenant.Email, hash_code = "guessed", new_password = "reset and renewed" }));
        var unknownEmail = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/account/reset_password",
            new { email = "nobody@example.test", hash_code = "guessed", new_password = "reset and renewed" }));
        var shortPassword = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/account/reset_password",
            new { email = tenant.Email, hash_code = "guessed", new_password = "short" }));
        var missingCode = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/account/reset_password",
            new { email = tenant.Email, new_password = "reset and renewed" }));

        Assert.Equal((400, 1), (wrongCode.HttpStatus, wrongCode.StatusCode));
        Assert.Contains("expired", wrongCode.StatusDescriptions);
        Assert.Equal(wrongCode.StatusDescriptions, unknownEmail.StatusDescriptions);
        Assert.StartsWith("new_password:", shortPassword.StatusDescriptions);
        Assert.StartsWith("hash_code:", missingCode.StatusDescriptions);
        var stillOld = await tenant.PostJsonAsync("/api/v2/account/savePersonalInfo", new { password = "a brand new secret", current_password = Password });
        Assert.Equal(0, stillOld.StatusCode);
    }

    [Fact]
    public async Task AResetRequestNeedsASessionAndAWebConfirmationUrl()
    {
        var tenant = await SignUpAsync();

        var anonymous = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/account/request_password_reset",
            new { email = tenant.Email, confirmation_url = "https://evil.example/steal" }));
        var script = await tenant.PostJsonAsync("/api/v2/account/request_password_reset", new { email = tenant.Email, confirmation_url = "javascript:alert(1)" });
        var missingUrl = await tenant.PostJsonAsync("/api/v2/account/request_password_reset", new { email = tenant.Email });
        var badEmail = await tenant.PostJsonAsync("/api/v2/account/request_password_reset", new { email = "nobody", confirmation_url = "https://app.example/reset" });

        Assert.Equal((403, 8), (anonymous.HttpStatus, anonymous.StatusCode));
        Assert.StartsWith("confirmation_url:", script.StatusDescriptions);
        Assert.StartsWith("confirmation_url:", missingUrl.StatusDescriptions);
        Assert.StartsWith("email:", badEmail.StatusDescriptions);
        Assert.Empty(Mail.Sent);
    }

    [Fact]
    public async Task AParentRequestsAResetForItsSubAccount()
    {
        var parent = await SignUpAsync("parent");
        var child = await SignInSubAccountAsync(parent);

        var requested = await parent.PostJsonAsync("/api/v2/account/request_password_reset", new { email = child.Email, confirmation_url = "https://partner.example/reset" });

        Assert.Equal(0, requested.StatusCode);
        Assert.Single(Mail.To(child.Email));
    }

    [Fact]
    public async Task TheWidgetCodeIsAnOverlayButtonForTheBookingPageByDefault()
    {
        var tenant = await SignUpAsync();

        var widget = await tenant.GetAsync("/api/v2/account/getWidgetCode");

        Assert.Equal(0, widget.StatusCode);
        var url = widget.Data.GetProperty("url").GetString()!;
        Assert.Equal($"http://localhost/book/{tenant.Nickname}", url);
        var html = widget.Data.GetProperty("html").GetString()!;
        Assert.Contains("<script>", html);
        Assert.Contains("\"buttonName\":\"Appointment\"", html);
        Assert.Contains("\"buttonColor\":\"#ff0000\"", html);
        Assert.Contains("\"position\":\"right\"", html);
        Assert.Contains($"<noscript><a href=\"{url}\">", html);
    }

    [Fact]
    public async Task TheWidgetCodeCarriesItsParametersEscaped()
    {
        var tenant = await SignUpAsync();
        const string name = "Book \"now\" </script><script>alert(1)</script> & more";
        const string returnUrl = "https://shop.example/done?a=1&b=\"<x>\"";

        var widget = await tenant.GetAsync(
            $"/api/v2/account/getWidgetCode?button_name={Uri.EscapeDataString(name)}&button_color=0A0&position=left&returnUrl={Uri.EscapeDataString(returnUrl)}&locations_map=1");

        Assert.Equal(0, widget.StatusCode);
        var html = widget.Data.GetProperty("html").GetString()!;
        var url = widget.Data.GetProperty("url").GetString()!;
        Assert.Equal($"http://localhost/book/{tenant.Nickname}?returnUrl={Uri.EscapeDataString(returnUrl)}&locations_map=1", url);
        Assert.DoesNotContain("</script><script>", html);
        Assert.DoesNotContain("alert(1)</script>", html);
        Assert.Single(Regex.Matches(html, "</script>"));
        Assert.Contains("\"buttonName\":\"Book \\u0022now\\u0022 \\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E \\u0026 more\"", html);
        Assert.Contains("\"buttonColor\":\"#00aa00\"", html);
        Assert.Contains("\"position\":\"left\"", html);
        Assert.Contains($"\"url\":\"{url.Replace("&", "\\u0026", StringComparison.Ordinal)}\"", html);
        Assert.Contains($"<a href=\"{url.Replace("&", "&amp;", StringComparison.Ordinal)}\">Book &quot;now&quot; &lt;/script&gt;", html);
    }

    [Fact]
    public async Task TheInlineWidgetIsAFrameWithAnEncodedSource()
    {
        var tenant = await SignUpAsync();

        var widget = await tenant.GetAsync($"/api/v2/account/getWidgetCode?overlay_option=inline&returnUrl={Uri.EscapeDataString("https://shop.example/?a=1&b=2")}");

        var html = widget.Data.GetProperty("html").GetString()!;
        var url = widget.Data.GetProperty("url").GetString()!;
        Assert.DoesNotContain("<script", html);
        Assert.Contains($"<iframe src=\"{url.Replace("&", "&amp;", StringComparison.Ordinal)}\"", html);
        Assert.Contains("title=\"Book an appointment with Company ", html);
    }

    [Fact]
    public async Task TheWidgetCodeCanBeEmailedInsteadOfReturned()
    {
        var tenant = await SignUpAsync();

        var widget = await tenant.GetAsync("/api/v2/account/getWidgetCode?send_to=dev@example.com&no_code=1");

        Assert.Equal(0, widget.StatusCode);
        Assert.False(widget.Data.TryGetProperty("html", out _));
        var message = Assert.Single(Mail.To("dev@example.com"));
        Assert.Contains("<!-- Begin booking widget -->", message.TextBody);
        Assert.Contains(widget.Data.GetProperty("url").GetString()!, message.TextBody);
    }

    [Theory]
    [InlineData("button_color=red", "button_color")]
    [InlineData("button_color=%23ff00001", "button_color")]
    [InlineData("button_color=ff0000;background:url(x)", "button_color")]
    [InlineData("position=center", "position")]
    [InlineData("overlay_option=popup", "overlay_option")]
    [InlineData("returnUrl=javascript%3Aalert(1)", "returnUrl")]
    [InlineData("send_to=nobody", "send_to")]
    [InlineData("defaultService=abc", "defaultService")]
    [InlineData("locations_map=yes", "locations_map")]
    public async Task AnInvalidWidgetParameterIsRefusedNamingIt(string query, string field)
    {
        var tenant = await SignUpAsync();

        var refused = await tenant.GetAsync($"/api/v2/account/getWidgetCode?{query}");

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith(field + ":", refused.StatusDescriptions);
    }

    [Fact]
    public async Task AWidgetDefaultThatIsNotTheAccountsOwnIsNotFound()
    {
        var tenant = await SignUpAsync();

        var service = await tenant.GetAsync("/api/v2/account/getWidgetCode?defaultService=123456");
        var provider = await tenant.GetAsync("/api/v2/account/getWidgetCode?defaultProvider=123456");
        var location = await tenant.GetAsync("/api/v2/account/getWidgetCode?defaultLocation=123456");

        Assert.Equal((404, 7), (service.HttpStatus, service.StatusCode));
        Assert.StartsWith("defaultService:", service.StatusDescriptions);
        Assert.Equal((404, 7), (provider.HttpStatus, provider.StatusCode));
        Assert.Equal((404, 7), (location.HttpStatus, location.StatusCode));
    }

    [Fact]
    public async Task SettingsRoutesNeedASession()
    {
        foreach (var (method, url) in SessionRoutes)
        {
            var response = await Envelope.ReadAsync(await Anonymous.SendAsync(new HttpRequestMessage(method, url) { Content = method == HttpMethod.Post ? JsonContent.Create(new { }) : null }));

            Assert.True((response.HttpStatus, response.StatusCode) == (403, 8), $"{method} {url}: {response.HttpStatus}/{response.StatusCode}");
        }
    }

    [Fact]
    public async Task PathsAreCaseInsensitiveAndAcceptATrailingSlash()
    {
        var tenant = await SignUpAsync();

        Assert.Equal(0, (await tenant.GetAsync("/api/v2/account/getoptions/")).StatusCode);
        Assert.Equal(0, (await tenant.PostJsonAsync("/api/v2/ACCOUNT/SAVEOPTIONS", new { hide_about = 1 })).StatusCode);
    }

    [Fact]
    public async Task AnotherTenantNeitherSeesNorChangesThisAccountsSettings()
    {
        var victim = await SignUpAsync("victim");
        var intruder = await SignUpAsync("intruder");
        await victim.PostJsonAsync("/api/v2/account/saveOptions", new { stripe_publishable_key = "pk_test_victim", paypal_email = "victim-pay@example.com", prior_notice = 3 });
        var id = victim.CompanyId;

        foreach (var (method, url) in SessionRoutes)
        {
            var target = url + (url.Contains('?') ? "&" : "?") + $"company_id={id}";
            using var request = new HttpRequestMessage(method, target);
            request.Content = method == HttpMethod.Post
                ? JsonContent.Create(new { prior_notice = 9, company_name = "Taken over", first_name = "Mallory", email = victim.Email, confirmation_url = "https://evil.example/" })
                : null;
            var response = await Envelope.ReadAsync(await intruder.Client.SendAsync(request));

            Assert.True((response.HttpStatus, response.StatusCode) == (404, 7), $"{method} {target}: {response.HttpStatus}/{response.StatusCode}");
            Assert.Equal(JsonValueKind.Null, response.Data.ValueKind);
        }

        var upload = await UploadAsync(intruder, Png, "logo.png", $"?company_id={id}");
        Assert.Equal((404, 7), (upload.HttpStatus, upload.StatusCode));

        // Without company_id the intruder only ever reaches its own account...
        var reset = await intruder.PostJsonAsync("/api/v2/account/request_password_reset", new { email = victim.Email, confirmation_url = "https://evil.example/" });
        Assert.Equal((404, 7), (reset.HttpStatus, reset.StatusCode));
        Assert.Equal("", (await intruder.GetAsync("/api/v2/account/getStripe")).Data.GetProperty("stripePublishableKey").GetString());
        Assert.Equal(intruder.CompanyId, (await intruder.GetAsync("/api/v2/account/getOptions")).Data.GetProperty("company_id").GetInt64());

        // ...and the victim's settings are as they were, with no mail sent for them.
        var options = (await victim.GetAsync("/api/v2/account/getOptions")).Data;
        Assert.Equal(3, options.GetProperty("prior_notice").GetInt32());
        var account = (await victim.GetAsync("/api/v2/account")).Data;
        Assert.Equal($"Company {victim.Nickname}", account.GetProperty("company_name").GetString());
        Assert.Equal(string.Empty, account.GetProperty("first_name").GetString());
        Assert.Equal(string.Empty, account.GetProperty("logo").GetString());
        Assert.Equal("pk_test_victim", (await victim.GetAsync("/api/v2/account/getStripe")).Data.GetProperty("stripePublishableKey").GetString());
        Assert.Empty(Mail.To(victim.Email));
    }

    [Fact]
    public async Task AParentManagesItsSubAccountsOptionsButNotTheOtherWayRound()
    {
        var parent = await SignUpAsync("parent");
        var child = await SignInSubAccountAsync(parent);

        var saved = await parent.PostJsonAsync($"/api/v2/account/saveOptions?company_id={child.CompanyId}", new { prior_notice = "4" });
        var read = await parent.GetAsync($"/api/v2/account/getOptions?company_id={child.CompanyId}");
        var upward = await child.GetAsync($"/api/v2/account/getOptions?company_id={parent.CompanyId}");

        Assert.Equal(0, saved.StatusCode);
        Assert.Equal(child.CompanyId, read.Data.GetProperty("company_id").GetInt64());
        Assert.Equal(4, read.Data.GetProperty("prior_notice").GetInt32());
        Assert.Equal(0, (await parent.GetAsync("/api/v2/account/getOptions")).Data.GetProperty("prior_notice").GetInt32());
        Assert.Equal((404, 7), (upward.HttpStatus, upward.StatusCode));
    }

    private static IEnumerable<(HttpMethod Method, string Url)> SessionRoutes =>
    [
        (HttpMethod.Get, "/api/v2/account/getAccountInfo"),
        (HttpMethod.Get, "/api/v2/account/getOptions"),
        (HttpMethod.Post, "/api/v2/account/saveOptions"),
        (HttpMethod.Get, "/api/v2/account/getPersonalInfo"),
        (HttpMethod.Post, "/api/v2/account/savePersonalInfo"),
        (HttpMethod.Post, "/api/v2/account/saveBussinessInfo"),
        (HttpMethod.Get, "/api/v2/account/getStripe"),
        (HttpMethod.Get, "/api/v2/account/getPaypal"),
        (HttpMethod.Post, "/api/v2/account/uploadLogo"),
        (HttpMethod.Post, "/api/v2/account/request_password_reset"),
        (HttpMethod.Get, "/api/v2/account/getWidgetCode"),
    ];

    private async Task<Envelope> AuthenticateAsync(string email, string apiKey) =>
        await Envelope.ReadAsync(await Anonymous.PostAsync($"/api/v2/account/authenticate?email={Uri.EscapeDataString(email)}&token={Uri.EscapeDataString(apiKey)}", null));

    private static async Task<Envelope> UploadAsync(Tenant tenant, byte[] content, string fileName, string query = "")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "logo", fileName);
        return await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/account/uploadLogo" + query, form));
    }

    /// <summary>A sub-account of <paramref name="parent"/>, authenticated with its own API key.</summary>
    private async Task<Tenant> SignInSubAccountAsync(Tenant parent)
    {
        var email = $"child-{Guid.NewGuid():N}@example.test";
        var nickname = $"child-{Guid.NewGuid():N}"[..20];
        var child = await parent.PostJsonAsync("/api/v2/account", new { company_name = "Child", nick_name = nickname, email, password = Password });
        Assert.Equal(0, child.StatusCode);
        var apiKey = child.Data.GetProperty("api_key").GetString()!;
        var token = (await AuthenticateAsync(email, apiKey)).Data.GetProperty("session_token").GetString()!;
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new Tenant(child.Data.GetProperty("company_id").GetInt64(), nickname, email, apiKey, token, client);
    }

    [GeneratedRegex(@"https://app\.example/reset\S+")]
    private static partial Regex ResetLink();
}

public sealed class AccountSettingsApiMemoryTests(MemoryApiStorage storage) : AccountSettingsApiTests<MemoryApiStorage>(storage);

public sealed class AccountSettingsApiPostgresTests(PostgresApiStorage storage) : AccountSettingsApiTests<PostgresApiStorage>(storage);
