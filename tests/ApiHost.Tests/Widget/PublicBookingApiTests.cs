using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Accounts;
using Scheduling.ApiHost.Tests.Appointments;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.ApiHost.Tests.Locations;
using Scheduling.Grains.Notifications;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Widget;

/// <summary>
/// The public booking routes (/api/v2/public/{nick_name}/...) and the self-service link routes (/api/v2/public/manage/{token}/...):
/// what a visitor sees and may do with no session, one account at a time.
/// </summary>
public abstract partial class PublicBookingApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    // Two days before BookingTestData.Day (Monday 2031-03-03, US/Pacific).
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CapturingNotifier _mail = new();

    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["RateLimits:VisitorPerSecond"] = "100000",
        ["RateLimits:VisitorBurst"] = "100000",
        ["Links:PublicBaseUrl"] = "https://book.example.test",
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton<INotifier>(_mail);
    }

    [Fact]
    public async Task TheCatalogShowsOnlyTheAccountsBookableServicesProvidersAndFormAndNoPrivateFields()
    {
        var owner = await SignUpAsync();
        var other = await SignUpAsync();
        var shop = await owner.OpenShopAsync();
        await other.OpenShopAsync();
        var hidden = await owner.CreateServiceAsync("Retired", 30, new { status = 0 });
        await owner.PostJsonAsync("/api/v2/customfield", new { label = "Allergies", type = 0, required = 1, visibility = 1 });

        var answer = await Anonymous.GetAsync($"/api/v2/public/{owner.Nickname}/catalog");
        var text = await answer.Content.ReadAsStringAsync();
        var catalog = (await Envelope.ReadAsync(answer)).Data;

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var location = Assert.Single(catalog.GetProperty("locations").EnumerateArray());
        Assert.Equal((shop.Location, "US/Pacific"), (location.GetProperty("id").GetInt64(), location.GetProperty("timezone").GetString()));
        Assert.Equal([shop.Service], catalog.GetProperty("services").EnumerateArray().Select(s => s.GetProperty("id").GetInt64()));
        Assert.Equal([shop.Employee], catalog.GetProperty("providers").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()));
        Assert.DoesNotContain(hidden.ToString(System.Globalization.CultureInfo.InvariantCulture), catalog.GetProperty("services").GetRawText(), StringComparison.Ordinal);
        Assert.Equal(("d", true), (catalog.GetProperty("options").GetProperty("default_calendar_view").GetString(), catalog.GetProperty("options").GetProperty("any_available_provider").GetBoolean()));
        Assert.DoesNotContain("@example.test", text, StringComparison.Ordinal);
        Assert.DoesNotContain("api_key", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownNicknameIsNotFoundAndTheHtmlPageSaysSo()
    {
        var api = await Envelope.ReadAsync(await Anonymous.GetAsync("/api/v2/public/no-such-shop-anywhere/catalog"));
        var page = await Anonymous.GetAsync("/book/no-such-shop-anywhere");

        Assert.Equal((404, 7), api.Status());
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }

    [Fact]
    public async Task TheBookingPageIsServedWithItsSettingsScriptAndLanguage()
    {
        var owner = await SignUpAsync();
        await owner.PostJsonAsync("/api/v2/account/saveOptions", new { lang = "fr" });

        var page = await Anonymous.GetAsync($"/book/{owner.Nickname}?defaultService=5");
        var html = await page.Content.ReadAsStringAsync();
        var script = await Anonymous.GetAsync("/widget/widget.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html lang=\"fr\">", html, StringComparison.Ordinal);
        Assert.Contains("Prendre rendez-vous", html, StringComparison.Ordinal);
        Assert.Contains($"/api/v2/public/{owner.Nickname}", html, StringComparison.Ordinal);
        Assert.Contains("\"defaultService\":\"5\"", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AvailabilityGivesTheSameTimesAsTheApiInTheVisitorsZone()
    {
        var owner = await SignUpAsync();
        var shop = await owner.OpenShopAsync();

        var visitor = await Envelope.ReadAsync(await Anonymous.GetAsync($"/api/v2/public/{owner.Nickname}/availability?service_id={shop.Service}&location_id={shop.Location}&start_date={BookingTestData.Day}&tz=America/New_York"));
        var api = await owner.GetAsync($"/api/v2/availability?service_id={shop.Service}&location_id={shop.Location}&start_date={BookingTestData.Day}&timezone_id=172");

        Assert.Equal((200, 0), visitor.Status());
        Assert.Equal(api.Data.GetProperty("times").GetRawText(), visitor.Data.GetProperty("times").GetRawText());
        Assert.Equal("12:00:00", visitor.Data.GetProperty("times").GetProperty(BookingTestData.Day)[0].GetString());
    }

    [Fact]
    public async Task AVisitorBooksInTheirZoneAndTheAppointmentExistsThroughTheApiInTheLocationsZone()
    {
        var owner = await SignUpAsync();
        var shop = await owner.OpenShopAsync(service: new { widget_message = "Bring your card", cancel_appointment = 24, reschedule_appointment = 24 });

        var booked = await Anonymous.PostAsJsonAsync($"/api/v2/public/{owner.Nickname}/book", VisitorBooking(shop, "13:00", "America/New_York"));
        var text = await booked.Content.ReadAsStringAsync();
        var answer = (await Envelope.ReadAsync(booked)).Data;
        var id = answer.GetProperty("appointment").GetProperty("id").GetInt64();
        var stored = (await owner.GetAsync($"/api/v2/appointment/{id}")).Data[0];

        Assert.Equal(HttpStatusCode.OK, booked.StatusCode);
        Assert.Equal(("2031-03-03 10:00", 553, 1), (stored.GetProperty("start_date").GetString(), stored.GetProperty("timezone_id").GetInt32(), stored.GetProperty("status").GetInt32()));
        Assert.Equal(("Vi Sitor", "555-0100", shop.Employee), (stored.GetProperty("client_name").GetString(), stored.GetProperty("client_phone").GetString(), stored.GetProperty("employee_id").GetInt64()));
        var appointment = answer.GetProperty("appointment");
        Assert.Equal(("2031-03-03 10:00", "US/Pacific", "2031-03-03 13:00", "America/New_York"), (appointment.GetProperty("start_date").GetString(), appointment.GetProperty("timezone").GetString(), appointment.GetProperty("visitor_start_date").GetString(), appointment.GetProperty("visitor_timezone").GetString()));
        Assert.Equal("Bring your card", answer.GetProperty("widget_message").GetString());
        Assert.DoesNotContain("vi@example.test", text, StringComparison.Ordinal);
        var mail = await MailAsync("vi@example.test", Link('c', owner, id));
        Assert.Contains("https://book.example.test/manage/c", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://book.example.test/manage/r", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVisitorCannotSetTheStatusDurationOrNoteOfTheirBooking()
    {
        var owner = await SignUpAsync();
        var shop = await owner.OpenShopAsync();
        var body = VisitorBooking(shop, "10:00");
        body["status"] = 2;
        body["duration"] = 300;
        body["note"] = "free of charge";

        var id = await BookIdAsync(owner, body);
        var stored = (await owner.GetAsync($"/api/v2/appointment/{id}")).Data[0];

        Assert.Equal((1, 3_600_000L, ""), (stored.GetProperty("status").GetInt32(), stored.GetProperty("length").GetInt64(), stored.GetProperty("note").GetString()));
    }

    [Fact]
    public async Task WithoutAProviderTheLocationAssignsAFreeOne()
    {
        var owner = await SignUpAsync();
        var shop = await owner.OpenShopAsync(employees: 2);
        await owner.BookIdAsync(shop.Booking("10:00", employee: shop.Employees[0]));
        var body = VisitorBooking(shop, "10:00");
        body.Remove("employee_id");

        var id = await BookIdAsync(owner, body);

        Assert.Equal(shop.Employees[1], (await owner.GetAsync($"/api/v2/appointment/{id}")).Data[0].GetProperty("employee_id").GetInt64());
    }

    [Fact]
    public async Task TheBookingFormsCustomFieldsAreAlwaysValidated()
    {
        var owner = await SignUpAsync();
        var shop = await owner.OpenShopAsync();
        var created = await owner.PostJsonAsync("/api/v2/customfield", new { label = "Allergies", type = 0, required = 1, visibility = 1 });
        var field = created.Data.GetProperty("id").GetInt64();

        var missing = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync($"/api/v2/public/{owner.Nickname}/book", VisitorBooking(shop, "10:00")));
        var body = VisitorBooking(shop, "10:00");
        body["custom_fields"] = new Dictionary<string, string[]> { [field.ToString(System.Globalization.CultureInfo.InvariantCulture)] = ["none", "Allergies"] };
        var answered = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync($"/api/v2/public/{owner.Nickname}/book", body));

        Assert.Equal((400, 1), missing.Status());
        Assert.Contains("custom_fields", missing.StatusDescriptions, StringComparison.Ordinal);
        Assert.Equal((200, 0), answered.Status());
    }

    [Theory]
    [InlineData("service_id", null, "service_id")]
    [InlineData("service_id", "abc", "service_id")]
    [InlineData("client_email", "not-an-email", "client_email")]
    [InlineData("client_name", null, "client_name")]
    [InlineData("start_date", "tomorrow at noon", "start_date")]
    [InlineData("tz", "Mars/Olympus", "tz")]
    [InlineData("client_phone", "LONG", "client_phone")]
    public async Task MalformedBookingsAre400NamingTheField(string field, string? value, string named)
    {
        var owner = await SignUpAsync();
        var shop = await owner.OpenShopAsync();
        var body = VisitorBooking(shop, "10:00");
        if (value is null)
        {
            body.Remove(field);
        }
        else
        {
            body[field] = value == "LONG" ? new string('5', 5_000) : value;
        }

        var answer = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync($"/api/v2/public/{owner.Nickname}/book", body));

        Assert.Equal((400, 1), answer.Status());
        Assert.Contains(named, answer.StatusDescriptions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIs400()
    {
        var owner = await SignUpAsync();

        var answer = await Envelope.ReadAsync(await Anonymous.PostAsync($"/api/v2/public/{owner.Nickname}/book", new StringContent("{not json", Encoding.UTF8, "application/json")));

        Assert.Equal((400, 1), answer.Status());
    }

    [Fact]
    public async Task ATimeTakenMeanwhileIs409WithCode10AndTheTimeLeavesTheList()
    {
        var owner = await SignUpAsync();
        var shop = await owner.OpenShopAsync();
        await owner.BookIdAsync(shop.Booking("10:00"));

        var answer = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync($"/api/v2/public/{owner.Nickname}/book", VisitorBooking(shop, "10:00")));
        var times = await Envelope.ReadAsync(await Anonymous.GetAsync($"/api/v2/public/{owner.Nickname}/availability?service_id={shop.Service}&location_id={shop.Location}&start_date={BookingTestData.Day}"));

        Assert.Equal((409, 10), answer.Status());
        Assert.DoesNotContain("10:00:00", times.Data.GetProperty("times").GetProperty(BookingTestData.Day).EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task ADoubleSubmitWithOneIdempotencyKeyBooksOnce()
    {
        var owner = await SignUpAsync();
        var shop = await owner.OpenShopAsync();
        var key = Guid.NewGuid().ToString();

        async Task<HttpResponseMessage> SubmitAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v2/public/{owner.Nickname}/book") { Content = JsonContent.Create(VisitorBooking(shop, "10:00")) };
            request.Headers.Add("Idempotency-Key", key);
            return await Anonymous.SendAsync(request);
        }

        var answers = await Task.WhenAll(SubmitAsync(), SubmitAsync());
        var again = await SubmitAsync();

        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{a.StatusCode}"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Single((await owner.GetAsync("/api/v2/appointment")).Data.EnumerateArray());
    }

    [Fact]
    public async Task ANicknameReachesOnlyItsOwnAccountsServicesLocationsAndProviders()
    {
        var owner = await SignUpAsync();
        var other = await SignUpAsync();
        var mine = await owner.OpenShopAsync();
        var theirs = await other.OpenShopAsync();

        Envelope[] attempts =
        [
            await Envelope.ReadAsync(await Anonymous.GetAsync($"/api/v2/public/{owner.Nickname}/availability?service_id={theirs.Service}&location_id={theirs.Location}&start_date={BookingTestData.Day}")),
            await Envelope.ReadAsync(await Anonymous.GetAsync($"/api/v2/public/{owner.Nickname}/availability?service_id={mine.Service}&location_id={theirs.Location}&start_date={BookingTestData.Day}")),
            await Envelope.ReadAsync(await Anonymous.GetAsync($"/api/v2/public/{owner.Nickname}/availability?service_id={mine.Service}&location_id={mine.Location}&provider_id={theirs.Employee}&start_date={BookingTestData.Day}")),
            await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync($"/api/v2/public/{owner.Nickname}/book", VisitorBooking(theirs, "10:00"))),
            await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync($"/api/v2/public/{owner.Nickname}/book", VisitorBooking(mine, "10:00", employee: theirs.Employee))),
        ];

        Assert.All(attempts, a => Assert.Equal((404, 7, JsonValueKind.Null), (a.HttpStatus, a.StatusCode, a.Data.ValueKind)));
        Assert.Empty((await other.GetAsync("/api/v2/appointment")).Data.EnumerateArray());
        Assert.Empty((await owner.GetAsync("/api/v2/appointment")).Data.EnumerateArray());
    }

    [Fact]
    public async Task TheCancelLinkCancelsWithinTheWindowAndFreesTheTime()
    {
        var owner = await SignUpAsync();
        var shop = await owner.OpenShopAsync(service: new { cancel_appointment = 24 });
        var id = await BookIdAsync(owner, VisitorBooking(shop, "10:00"));
        var token = Token((await MailAsync("vi@example.test", Link('c', owner, id))).TextBody, 'c');

        var summary = await Envelope.ReadAsync(await Anonymous.GetAsync($"/api/v2/public/manage/{token}"));
        var canceled = await Envelope.ReadAsync(await Anonymous.PostAsync($"/api/v2/public/manage/{token}/cancel", null));
        var times = await Envelope.ReadAsync(await Anonymous.GetAsync($"/api/v2/public/{owner.Nickname}/availability?service_id={shop.Service}&location_id={shop.Location}&start_date={BookingTestData.Day}"));

        Assert.Equal(("cancel", true, id), (summary.Data.GetProperty("action").GetString(), summary.Data.GetProperty("allowed").GetBoolean(), summary.Data.GetProperty("appointment").GetProperty("id").GetInt64()));
        Assert.DoesNotContain("vi@example.test", summary.Data.GetRawText(), StringComparison.Ordinal);
        Assert.Equal((200, 0, 3), (canceled.HttpStatus, canceled.StatusCode, canceled.Data.GetProperty("appointment").GetProperty("status").GetInt32()));
        Assert.Equal(3, (await owner.GetAsync($"/api/v2/appointment/{id}")).Data[0].GetProperty("status").GetInt32());
        Assert.Contains("10:00:00", times.Data.GetProperty("times").GetProperty(BookingTestData.Day).EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task CancelAndRescheduleFollowTheServicesWindows()
    {
        var owner = await SignUpAsync();
        var shop = await owner.OpenShopAsync(service: new { cancel_appointment = 72, reschedule_appointment = 24 });
        var closed = await owner.CreateServiceAsync("Final", 60);
        await owner.PostJsonAsync($"/api/v2/location/assignServices?location_id={shop.Location}", new Dictionary<string, long[]> { [Invariant(shop.Employee)] = [shop.Service, closed] });
        var id = await BookIdAsync(owner, VisitorBooking(shop, "10:00"));
        var other = await BookIdAsync(owner, VisitorBooking(shop, "14:00", service: closed));

        // 2031-03-03 10:00 Pacific is 18:00 UTC; the clock says 2031-03-01 12:00 UTC: 54 hours before.
        var cancel = await HashAsync(owner, id, "cancel");
        var reschedule = await HashAsync(owner, id, "reschedule");
        var closedCancel = await HashAsync(owner, other, "cancel");
        var tooLate = await Envelope.ReadAsync(await Anonymous.PostAsync($"/api/v2/public/manage/{cancel}/cancel", null));
        var summary = await Envelope.ReadAsync(await Anonymous.GetAsync($"/api/v2/public/manage/{cancel}"));
        var notOnline = await Envelope.ReadAsync(await Anonymous.PostAsync($"/api/v2/public/manage/{closedCancel}/cancel", null));
        var wrongType = await Envelope.ReadAsync(await Anonymous.PostAsync($"/api/v2/public/manage/{reschedule}/cancel", null));
        var moved = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync($"/api/v2/public/manage/{reschedule}/reschedule", new { start_date = $"{BookingTestData.Day} 15:00", tz = "America/New_York" }));
        var stored = (await owner.GetAsync($"/api/v2/appointment/{id}")).Data[0];
        _clock.Advance(TimeSpan.FromHours(40));
        var rescheduleTooLate = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync($"/api/v2/public/manage/{reschedule}/reschedule", new { start_date = $"{BookingTestData.Day} 13:00" }));

        Assert.Equal((403, 8), tooLate.Status());
        Assert.Equal((false, true), (summary.Data.GetProperty("allowed").GetBoolean(), summary.Data.GetProperty("reason").GetString()!.Contains("72 hours", StringComparison.Ordinal)));
        Assert.Equal((403, 8), notOnline.Status());
        Assert.Equal((403, 8), wrongType.Status());
        Assert.Equal((200, 0), moved.Status());
        Assert.Equal("2031-03-03 12:00", stored.GetProperty("start_date").GetString());
        Assert.Equal((403, 8), rescheduleTooLate.Status());
    }

    [Fact]
    public async Task TheRescheduleLinkListsTheProvidersTimesAndATakenTimeIs409()
    {
        var owner = await SignUpAsync();
        var shop = await owner.OpenShopAsync(service: new { reschedule_appointment = 1 });
        var id = await BookIdAsync(owner, VisitorBooking(shop, "10:00"));
        await owner.BookIdAsync(shop.Booking("12:00", email: "other@example.test"));
        var token = await HashAsync(owner, id, "reschedule");

        var times = await Envelope.ReadAsync(await Anonymous.GetAsync($"/api/v2/public/manage/{token}/availability?start_date={BookingTestData.Day}"));
        var taken = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync($"/api/v2/public/manage/{token}/reschedule", new { start_date = $"{BookingTestData.Day} 12:00" }));
        var missing = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync($"/api/v2/public/manage/{token}/reschedule", new { }));

        var day = times.Data.GetProperty("times").GetProperty(BookingTestData.Day).EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.DoesNotContain("12:00:00", day);
        Assert.Contains("11:00:00", day);
        Assert.Equal((409, 10), taken.Status());
        Assert.Equal((400, 1), missing.Status());
        Assert.Equal("2031-03-03 10:00", (await owner.GetAsync($"/api/v2/appointment/{id}")).Data[0].GetProperty("start_date").GetString());
    }

    [Fact]
    public async Task TheConfirmLinkVerifiesAnUnverifiedBooking()
    {
        var owner = await SignUpAsync();
        var shop = await owner.OpenShopAsync();
        await owner.PostJsonAsync("/api/v2/account/saveOptions", new { email_confirmation = 1 });
        var booked = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync($"/api/v2/public/{owner.Nickname}/book", VisitorBooking(shop, "10:00")));
        var id = booked.Data.GetProperty("appointment").GetProperty("id").GetInt64();
        var token = Token((await MailAsync("vi@example.test", Link('v', owner, id))).TextBody, 'v');

        var confirmed = await Envelope.ReadAsync(await Anonymous.PostAsync($"/api/v2/public/manage/{token}/confirm", null));
        var again = await Envelope.ReadAsync(await Anonymous.PostAsync($"/api/v2/public/manage/{token}/confirm", null));

        Assert.Equal(0, booked.Data.GetProperty("appointment").GetProperty("status").GetInt32());
        Assert.Equal(((200, 0), 1), (confirmed.Status(), confirmed.Data.GetProperty("appointment").GetProperty("status").GetInt32()));
        Assert.Equal(((200, 0), 1), (again.Status(), again.Data.GetProperty("appointment").GetProperty("status").GetInt32()));
        Assert.Equal(1, (await owner.GetAsync($"/api/v2/appointment/{id}")).Data[0].GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task AForgedOrAlteredTokenIsNotFoundAndCannotReachAnotherAccountsAppointment()
    {
        var owner = await SignUpAsync();
        var other = await SignUpAsync();
        var shop = await owner.OpenShopAsync(service: new { cancel_appointment = 1 });
        var theirShop = await other.OpenShopAsync(service: new { cancel_appointment = 1 });
        var mine = await BookIdAsync(owner, VisitorBooking(shop, "10:00"));
        var theirs = await other.BookIdAsync(theirShop.Booking("10:00"));
        var token = await HashAsync(owner, mine, "cancel");
        var parts = token.Split('-', 3);
        var theirToken = await HashAsync(other, theirs, "cancel");

        string[] forged =
        [
            "c1-2-AAAAAAAAAAAAAAAAAAAAAA",
            $"c{other.CompanyId:x}-{parts[1]}-{parts[2]}",
            $"{parts[0]}-{theirs:x}-{parts[2]}",
            $"{parts[0]}-{theirToken.Split('-', 3)[1]}-{theirToken.Split('-', 3)[2]}",
            token[..^1] + (token[^1] == 'A' ? 'B' : 'A'),
        ];
        var answers = new List<Envelope>();
        foreach (var link in forged)
        {
            answers.Add(await Envelope.ReadAsync(await Anonymous.GetAsync($"/api/v2/public/manage/{link}")));
            answers.Add(await Envelope.ReadAsync(await Anonymous.PostAsync($"/api/v2/public/manage/{link}/cancel", null)));
        }

        var page = await Anonymous.GetAsync($"/manage/{forged[0]}");

        Assert.All(answers, a => Assert.Equal((404, 7, JsonValueKind.Null), (a.HttpStatus, a.StatusCode, a.Data.ValueKind)));
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(1, (await other.GetAsync($"/api/v2/appointment/{theirs}")).Data[0].GetProperty("status").GetInt32());
        Assert.Equal(1, (await owner.GetAsync($"/api/v2/appointment/{mine}")).Data[0].GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task GetWidgetCodeEmbedsTheBookingPageWithItsDefaults()
    {
        var owner = await SignUpAsync();
        var shop = await owner.OpenShopAsync();

        var overlay = await owner.GetAsync($"/api/v2/account/getWidgetCode?defaultService={shop.Service}&button_name=Book%20now&button_color=%23004488");
        var inline = await owner.GetAsync($"/api/v2/account/getWidgetCode?overlay_option=inline&defaultLocation={shop.Location}");
        var url = new Uri(overlay.Data.GetProperty("url").GetString()!);
        var page = await Anonymous.GetAsync(url.PathAndQuery);

        Assert.Equal($"/book/{owner.Nickname}", url.AbsolutePath);
        Assert.Contains("Book now", overlay.Data.GetProperty("html").GetString(), StringComparison.Ordinal);
        Assert.Contains("<iframe", inline.Data.GetProperty("html").GetString(), StringComparison.Ordinal);
        Assert.Contains($"defaultLocation={shop.Location}", inline.Data.GetProperty("html").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    private static Dictionary<string, object?> VisitorBooking(Shop shop, string time, string? tz = null, long? employee = null, long? service = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["service_id"] = service ?? shop.Service,
            ["location_id"] = shop.Location,
            ["employee_id"] = employee ?? shop.Employee,
            ["start_date"] = $"{BookingTestData.Day} {time}",
            ["client_name"] = "Vi Sitor",
            ["client_email"] = "vi@example.test",
            ["client_phone"] = "555-0100",
        };
        if (tz is not null)
        {
            body["tz"] = tz;
        }

        return body;
    }

    private async Task<long> BookIdAsync(Tenant owner, Dictionary<string, object?> body)
    {
        var booked = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync($"/api/v2/public/{owner.Nickname}/book", body));
        Assert.True(booked.StatusCode == 0, booked.StatusDescriptions);
        return booked.Data.GetProperty("appointment").GetProperty("id").GetInt64();
    }

    private static async Task<string> HashAsync(Tenant owner, long appointment, string type) =>
        (await owner.GetAsync($"/api/v2/appointment/hash/{appointment}?hash_type={type}")).Data.GetString()!;

    /// <summary>The token of the /manage/ link of one type (c, r, v) in an e-mail.</summary>
    /// <summary>
    /// The appointment e-mail to <paramref name="to"/> carrying <paramref name="containing"/>. It follows from the
    /// appointment's event: the test clock stands still, so the test runs the event pump and the mail's reminder turn.
    /// </summary>
    private async Task<EmailMessage> MailAsync(string to, string containing)
    {
        var silo = Factory.Services;
        for (var pass = 0; pass < 5 && !_mail.To(to).Any(m => m.TextBody.Contains(containing, StringComparison.Ordinal)); pass++)
        {
            await silo.DeliverStreamsAsync();
            await silo.FireDueRemindersAsync();
        }

        return await _mail.WaitForAsync(to, containing, TimeSpan.FromSeconds(5));
    }

    /// <summary>
    /// The start of a self-service link of one appointment (type letter, company and appointment in hex): on
    /// PostgreSQL the tests of a class share a database, and earlier tests' e-mails to the same address may arrive.
    /// </summary>
    private static string Link(char type, Tenant owner, long appointmentId) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"/manage/{type}{owner.CompanyId:x}-{appointmentId:x}-");

    private static string Token(string mail, char type) =>
        Uri.UnescapeDataString(ManageLink().Matches(mail).Select(m => m.Groups[1].Value).Single(t => t[0] == type));

    private static string Invariant(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"/manage/([A-Za-z0-9_%\-]+)")]
    private static partial Regex ManageLink();
}

public sealed class PublicBookingApiMemoryTests(MemoryApiStorage storage) : PublicBookingApiTests<MemoryApiStorage>(storage);

public sealed class PublicBookingApiPostgresTests(PostgresApiStorage storage) : PublicBookingApiTests<PostgresApiStorage>(storage);

/// <summary>The public routes are limited per visitor address, apart from the owners' API.</summary>
public sealed class PublicBookingRateLimitTests
{
    [Fact]
    public async Task AVisitorOverTheLimitGets429()
    {
        await using var factory = new ApiHostFactory(settings: new Dictionary<string, string?>
        {
            ["RateLimits:VisitorPerSecond"] = "1",
            ["RateLimits:VisitorBurst"] = "3",
        });
        var client = factory.CreateClient();

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => client.GetAsync("/api/v2/public/nobody-here/catalog")));

        Assert.Contains(answers, a => (int)a.StatusCode == 429);
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.NotFound);
    }
}
