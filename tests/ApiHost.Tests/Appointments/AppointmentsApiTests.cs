using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.Contracts.Idempotency;
using Scheduling.Contracts.Links;
using Scheduling.Grains.Links;
using Orleans;
using Orleans.Runtime;
using Scheduling.Grains.Storage;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Appointments;

/// <summary>The list of GET /appointment, the events every change commits, and Idempotency-Key on POST /appointment.</summary>
public abstract class AppointmentsApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero));

    // No stream pump: the events stay in the outbox, where the tests read them.
    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Workers:Enabled"] = "false",
        ["Webhooks:AllowPrivateTargets"] = "true",
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(_clock);
        CommittedEvents.Install(services);
    }

    [Fact]
    public async Task TheListFiltersByIdsStatusesAndClientAndPagesInStartOrder()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync(employees: 2);
        var (ann, bob) = (shop.Employees[0], shop.Employees[1]);
        var a = await tenant.BookIdAsync(shop.Booking("09:00", new { note = "Needs a ramp", paid = 1 }, employee: ann, email: "zoe@example.test"));
        var b = await tenant.BookIdAsync(shop.Booking("10:00", new { client_name = "Bo Brown", client_phone = "555-0199" }, employee: ann, email: "bo@example.test"));
        var c = await tenant.BookIdAsync(shop.Booking("11:00", employee: bob, email: "cy@example.test"));
        await tenant.PostJsonAsync("/api/v2/appointment/confirm", new { appointment_id = c });

        async Task<long[]> Ids(string query) =>
            [.. (await tenant.GetAsync($"/api/v2/appointment?{query}")).Data.EnumerateArray().Select(e => e.GetProperty("id").GetInt64())];

        Assert.Equal([a, b, c], await Ids(""));
        Assert.Equal([c, b, a], await Ids("sort_order=desc"));
        Assert.Equal([a, b], await Ids($"employee_id={ann}"));
        Assert.Equal([c], await Ids("status=2"));
        Assert.Equal([a, b], await Ids("status=0,1"));
        Assert.Equal([b], await Ids("search_text=bo 0199"));
        Assert.Equal([a], await Ids("search_text=RAMP"));
        Assert.Equal([b], await Ids("client_name=brown"));
        Assert.Equal([c], await Ids("client_email=CY@example.test"));
        Assert.Equal([a], await Ids("paid=1"));
        Assert.Equal([b, c], await Ids("paid=0"));
        Assert.Equal([b], await Ids($"id={b}"));
        Assert.Equal([b], await Ids($"client_id={(await tenant.GetAsync($"/api/v2/appointment/{b}")).Data[0].GetProperty("client_id").GetInt64()}"));
        Assert.Equal([b], await Ids("start=1&end=2"));
        Assert.Equal([c, b], await Ids("sort_by=created&sort_order=desc&end=2"));
        Assert.Equal(3, (await tenant.GetAsync("/api/v2/appointment?num_results=1")).Data.GetInt64());
        Assert.Equal(2, (await tenant.GetAsync($"/api/v2/appointment?num_results=1&employee_id={ann}")).Data.GetInt64());
    }

    [Fact]
    public async Task UpcomingListsFutureUnverifiedUnconfirmedAndConfirmedAppointmentsInPages()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var first = await tenant.BookIdAsync(shop.Booking("09:00"));
        var canceled = await tenant.BookIdAsync(shop.Booking("10:00"));
        var completed = await tenant.BookIdAsync(shop.Booking("11:00", new { status = 8 }));
        var last = await tenant.BookIdAsync(shop.Booking("12:00"));
        await tenant.PutJsonAsync($"/api/v2/appointment/{canceled}", new { status = 3 });

        var page = await tenant.GetAsync("/api/v2/appointment/upcoming?count=1");
        var rest = await tenant.GetAsync("/api/v2/appointment/upcoming?skip=1&count=5");

        Assert.Equal([first], page.Data.GetProperty("records").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
        Assert.False(page.Data.GetProperty("last_rows").GetBoolean());
        Assert.Equal([last], rest.Data.GetProperty("records").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
        Assert.True(rest.Data.GetProperty("last_rows").GetBoolean());
        Assert.True(completed > 0);
    }

    [Fact]
    public async Task DateFiltersReadTheListsZoneAndWidenByTwoDaysUnlessExact()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var monday = await tenant.BookIdAsync(shop.Booking("16:00"));
        var wednesday = await tenant.BookIdAsync(shop.Booking("10:00", new { start_date = "2031-03-05 10:00" }));

        async Task<long[]> Ids(string query) =>
            [.. (await tenant.GetAsync($"/api/v2/appointment?{query}")).Data.EnumerateArray().Select(e => e.GetProperty("id").GetInt64())];

        Assert.Equal([monday], await Ids("start_date=2031-03-03&end_date=2031-03-03&only_exact_dates=true"));
        Assert.Equal([wednesday], await Ids("start_date=2031-03-04&only_exact_dates=1"));
        Assert.Equal([monday, wednesday], await Ids("start_date=2031-03-04&end_date=2031-03-04"));
        Assert.Equal([monday], await Ids("start_date=2031-03-03 15:00&end_date=2031-03-03 17:00&only_exact_dates=1"));
        var badDate = await tenant.GetAsync("/api/v2/appointment?start_date=yesterday");
        var badStatus = await tenant.GetAsync("/api/v2/appointment?status=5");
        var badSort = await tenant.GetAsync("/api/v2/appointment?sort_by=name");
        Assert.Equal(("start_date:", "status:", "sort_by:"), (badDate.StatusDescriptions[..11], badStatus.StatusDescriptions[..7], badSort.StatusDescriptions[..8]));
        Assert.All(new[] { badDate, badStatus, badSort }, r => Assert.Equal((400, 1), r.Status()));
    }

    [Fact]
    public async Task CustomFieldSearchMatchesExactlyOrByPartOverAllOrAnyField()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var blue = await tenant.BookIdAsync(shop.Booking("09:00", new { custom_fields = new Dictionary<string, object> { ["1"] = new[] { "Dark Blue", "Colour" }, ["2"] = new object[] { new[] { "1 Main St", "", "Springfield" }, "Address" } } }));
        var red = await tenant.BookIdAsync(shop.Booking("10:00", new { custom_fields = new Dictionary<string, object> { ["1"] = new[] { "red", "Colour" } } }));

        async Task<long[]> Ids(string query) =>
            [.. (await tenant.GetAsync($"/api/v2/appointment?{query}")).Data.EnumerateArray().Select(e => e.GetProperty("id").GetInt64())];

        Assert.Equal([red], await Ids("cf_ids=custom_field_1&cf_search=RED"));
        Assert.Empty(await Ids("cf_ids=1&cf_search=blue"));
        Assert.Equal([blue], await Ids("cf_ids=1&cf_search=blue&cf_search_precision=fuzzy"));
        Assert.Equal([blue], await Ids("cf_ids=2&cf_search=springfield"));
        Assert.Empty(await Ids("cf_ids=1,2&cf_search=red"));
        Assert.Equal([red], await Ids("cf_ids=1,2&cf_search=red&cf_search_operand=or"));
        var noIds = await tenant.GetAsync("/api/v2/appointment?cf_search=red");
        Assert.Equal((400, 1), noIds.Status());
        Assert.StartsWith("cf_ids:", noIds.StatusDescriptions);
    }

    [Fact]
    public async Task TheDeprecatedCustomFieldAndEwsIdParametersStillFilterTheList()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var blue = await tenant.BookIdAsync(shop.Booking("09:00", new { ews_id = "AAMk-1", custom_fields = new Dictionary<string, object> { ["1"] = new[] { "Blue", "Colour" }, ["2"] = new[] { "Large", "Size" } } }));
        var red = await tenant.BookIdAsync(shop.Booking("10:00", new { custom_fields = new Dictionary<string, object> { ["1"] = new[] { "red", "Colour" }, ["2"] = new[] { "Large", "Size" } } }));

        async Task<long[]> Ids(string query) =>
            [.. (await tenant.GetAsync($"/api/v2/appointment?{query}")).Data.EnumerateArray().Select(e => e.GetProperty("id").GetInt64())];

        Assert.Equal([red], await Ids("custom_field_1=RED"));
        Assert.Equal([blue, red], await Ids("custom_field_2=large"));
        Assert.Equal([blue], await Ids("custom_field_1=blue&custom_field_2=large"));
        Assert.Empty(await Ids("custom_field_1=blu"));
        Assert.Empty(await Ids("custom_field_1=red&cf_ids=2&cf_search=small"));
        Assert.Equal([blue], await Ids("ews_id=aamk-1"));
        Assert.Equal(1, (await tenant.GetAsync("/api/v2/appointment?num_results=1&custom_field_1=red")).Data.GetInt64());
    }

    [Fact]
    public async Task ListViewPagesBySkipAndCountAndTellsHowManyMatchInAll()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync(employees: 2);
        var (ann, bob) = (shop.Employees[0], shop.Employees[1]);
        var a = await tenant.BookIdAsync(shop.Booking("09:00", new { note = "Needs a ramp" }, employee: ann));
        var b = await tenant.BookIdAsync(shop.Booking("10:00", new { client_name = "Bo Brown" }, employee: ann, email: "bo@example.test"));
        var c = await tenant.BookIdAsync(shop.Booking("11:00", employee: bob, email: "cy@example.test"));
        var other = await SignUpAsync();
        var otherShop = await other.OpenShopAsync();
        await other.BookIdAsync(otherShop.Booking("09:00"));

        async Task Page(string query, long total, params long[] ids)
        {
            var answer = await tenant.GetAsync($"/api/v2/appointment/listView?{query}");
            Assert.True(answer.StatusCode == 0, answer.StatusDescriptions);
            Assert.Equal(ids, answer.Data.GetProperty("results").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
            Assert.Equal(total, answer.Data.GetProperty("last_rows").GetInt64());
        }

        await Page("", 3, a, b, c);
        await Page("count=2", 3, a, b);
        await Page("skip=2&count=2", 3, c);
        await Page("skip=5", 3);
        await Page($"employee_id={ann}", 2, a, b);
        await Page($"location_id={shop.Location}&start_date={BookingTestData.Day} 10:00", 2, b, c);
        await Page("start_date=2031-03-04", 0);
        await Page("q=brown", 1, b);
        await Page("q=RAMP", 1, a);
        var first = (await tenant.GetAsync("/api/v2/appointment/listview?count=1&timezone_id=553")).Data.GetProperty("results")[0];
        Assert.Equal(("2031-03-03 09:00", "Ann Lee", ann), (first.GetProperty("start_date").GetString(), first.GetProperty("client_name").GetString(), first.GetProperty("employee_id").GetInt64()));
    }

    [Fact]
    public async Task ListViewRefusesMalformedPagingAndDatesNamingTheField()
    {
        var tenant = await SignUpAsync();

        var answers = new[]
        {
            (await tenant.GetAsync("/api/v2/appointment/listView?count=0"), "count:"),
            (await tenant.GetAsync("/api/v2/appointment/listView?count=abc"), "count:"),
            (await tenant.GetAsync("/api/v2/appointment/listView?skip=-1"), "skip:"),
            (await tenant.GetAsync("/api/v2/appointment/listView?start_date=soon"), "start_date:"),
            (await tenant.GetAsync("/api/v2/appointment/listView?employee_id=x"), "employee_id:"),
            (await tenant.GetAsync($"/api/v2/appointment/listView?q={new string('q', 300)}"), "q:"),
        };

        Assert.All(answers, a =>
        {
            Assert.Equal((400, 1), a.Item1.Status());
            Assert.StartsWith(a.Item2, a.Item1.StatusDescriptions, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task EveryChangeCommitsItsEventWithTheAppointmentsVersionAndARefusalCommitsNone()
    {
        var tenant = await SignUpAsync();
        await tenant.SubscribeAsync();
        var shop = await tenant.OpenShopAsync(employees: 2);
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        var refused = await tenant.BookAsync(shop.Booking("10:00", email: "bo@example.test"));
        await tenant.PutJsonAsync($"/api/v2/appointment/{id}", new { note = "window seat" });
        await tenant.PutJsonAsync($"/api/v2/appointment/{id}", new { start_date = $"{BookingTestData.Day} 12:00", employee_id = shop.Employees[1] });
        await tenant.PostJsonAsync("/api/v2/appointment/decline", new { appointment_id = id, reason = "closed" });
        await tenant.DeleteAsync($"/api/v2/appointment/{id}");

        var events = await EventsAsync(tenant.CompanyId);

        Assert.Equal((409, 10), refused.Status());
        Assert.Equal(
            ["appointment.created", "appointment.updated", "appointment.rescheduled", "appointment.canceled", "appointment.deleted"],
            events.Select(e => e.GetProperty("Type").GetString()));
        Assert.Equal([1L, 2, 3, 4, 5], events.Select(e => e.GetProperty("Appointment").GetProperty("Version").GetInt64()));
        Assert.All(events, e => Assert.Equal(id, e.GetProperty("Appointment").GetProperty("Id").GetInt64()));
        var previous = events[2].GetProperty("Previous");
        Assert.Equal((shop.Employees[0], shop.Service), (previous.GetProperty("EmployeeId").GetInt64(), previous.GetProperty("ServiceId").GetInt64()));
        Assert.Equal(DateTimeOffset.Parse("2031-03-03T18:00:00Z", CultureInfo.InvariantCulture), previous.GetProperty("Start").GetDateTimeOffset());
        Assert.Equal(shop.Employees[1], events[2].GetProperty("Appointment").GetProperty("EmployeeId").GetInt64());
        Assert.Equal(JsonValueKind.Null, events[0].GetProperty("Previous").ValueKind);
    }

    /// <summary>
    /// A change's webhook event is recorded only when a webhook of the company may want its type (the subscriptions are
    /// held on the calendar's silo here): none without a subscription, and with one to cancellations only, just those.
    /// </summary>
    [Fact]
    public async Task AChangeNoWebhookWantsRecordsNoEvent()
    {
        var tenant = await SignUpAsync();
        Assert.Equal(0, (await tenant.GetAsync("/api/v2/subscribe")).StatusCode);
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        Assert.Empty(await EventsAsync(tenant.CompanyId));

        var hook = await tenant.PostJsonAsync("/api/v2/subscribe", new { target_url = "http://127.0.0.1:9/hooks", events = new[] { "appointment.canceled" } });
        Assert.Equal(0, hook.StatusCode);
        await tenant.PutJsonAsync($"/api/v2/appointment/{id}", new { note = "window seat" });
        await tenant.PostJsonAsync("/api/v2/appointment/decline", new { appointment_id = id, reason = "closed" });

        var recorded = Assert.Single(await EventsAsync(tenant.CompanyId));
        Assert.Equal(("appointment.canceled", 3L), (recorded.GetProperty("Type").GetString(), recorded.GetProperty("Appointment").GetProperty("Version").GetInt64()));
    }

    [Fact]
    public async Task TheSameIdempotencyKeyAndBodyReplaysTheFirstBooking()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var body = shop.Booking("10:00");

        var first = await PostWithKeyAsync(tenant, "key-1", body);
        var again = await PostWithKeyAsync(tenant, "key-1", body);
        var other = await PostWithKeyAsync(tenant, "key-1", shop.Booking("12:00"));

        Assert.Equal((0, false), (first.Envelope.StatusCode, first.Replayed));
        Assert.Equal((0, true), (again.Envelope.StatusCode, again.Replayed));
        Assert.Equal(first.Envelope.Data.GetProperty("id").GetInt64(), again.Envelope.Data.GetProperty("id").GetInt64());
        Assert.Equal((422, 1), other.Envelope.Status());
        Assert.StartsWith("Idempotency-Key:", other.Envelope.StatusDescriptions);
        Assert.Single((await tenant.GetAsync("/api/v2/appointment")).Data.EnumerateArray());
    }

    [Fact]
    public async Task ConcurrentRequestsWithOneKeyBookOnceAndTheOthersReplayOrWait()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var body = shop.Booking("10:00");

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => PostWithKeyAsync(tenant, "burst", body)));

        var booked = Assert.Single((await tenant.GetAsync("/api/v2/appointment")).Data.EnumerateArray()).GetProperty("id").GetInt64();
        Assert.All(results, r => Assert.True(
            (r.Envelope.StatusCode == 0 && r.Envelope.Data.GetProperty("id").GetInt64() == booked) || r.Envelope.Status() == (409, 5),
            r.Envelope.StatusDescriptions));
        Assert.Single(results, r => r.Envelope.StatusCode == 0 && !r.Replayed);
    }

    [Fact]
    public async Task AKeyWhoseRequestFailedMayBeUsedAgainAndKeysArePerCompany()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var blocker = await tenant.BookIdAsync(shop.Booking("10:00", email: "blocker@example.test"));
        var stranger = await SignUpAsync();
        var strangerShop = await stranger.OpenShopAsync();

        var refused = await PostWithKeyAsync(tenant, "retry-me", shop.Booking("10:00"));
        await tenant.PutJsonAsync($"/api/v2/appointment/{blocker}", new { status = 3 });
        var retried = await PostWithKeyAsync(tenant, "retry-me", shop.Booking("10:00"));
        var elsewhere = await PostWithKeyAsync(stranger, "retry-me", strangerShop.Booking("10:00"));
        var tooLong = await PostWithKeyAsync(tenant, new string('k', 256), shop.Booking("12:00"));

        Assert.Equal((409, 10), refused.Envelope.Status());
        Assert.Equal((0, false), (retried.Envelope.StatusCode, retried.Replayed));
        Assert.Equal((0, false), (elsewhere.Envelope.StatusCode, elsewhere.Replayed));
        Assert.Equal((400, 1), tooLong.Envelope.Status());
    }

    [Fact]
    public async Task AnIdempotencyKeyIsInFlightUntilItsResponseIsStoredAndExpiresAfterADay()
    {
        var grains = Factory.Services.GetRequiredService<IGrainFactory>();
        var key = grains.GetGrain<IIdempotencyGrain>($"0/{Guid.NewGuid():N}");

        var first = await key.ClaimAsync("request-a", TimeSpan.FromMinutes(2));
        var whileRunning = await key.ClaimAsync("request-a", TimeSpan.FromMinutes(2));
        var otherRequest = await key.ClaimAsync("request-b", TimeSpan.FromMinutes(2));
        await key.CompleteAsync("request-a", new IdempotentResponse(200, "application/json", "{}"));
        _clock.Advance(TimeSpan.FromHours(23));
        var replay = await key.ClaimAsync("request-a", TimeSpan.FromMinutes(2));
        _clock.Advance(TimeSpan.FromHours(1));
        var afterADay = await key.ClaimAsync("request-b", TimeSpan.FromMinutes(2));

        Assert.Equal(IdempotencyOutcome.Proceed, first.Outcome);
        Assert.Equal(IdempotencyOutcome.InFlight, whileRunning.Outcome);
        Assert.Equal(IdempotencyOutcome.Mismatch, otherRequest.Outcome);
        Assert.Equal((IdempotencyOutcome.Replay, "{}"), (replay.Outcome, replay.Response!.Body));
        Assert.Equal(IdempotencyOutcome.Proceed, afterADay.Outcome);
    }

    [Fact]
    public async Task HashGivesASignedLinkPerTypeThatNamesTheAppointmentAndCannotBeForged()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("09:00"));
        var links = Factory.Services.GetRequiredService<AppointmentLinks>();

        var reschedule = (await tenant.GetAsync($"/api/v2/appointment/hash/{id}")).Data.GetString()!;
        var cancel = (await tenant.GetAsync($"/api/v2/appointment/hash?appointment_id={id}&hash_type=cancel")).Data.GetString()!;
        var confirm = (await tenant.GetAsync($"/api/v2/appointment/hash/{id}?hash_type=CONFIRM")).Data.GetString()!;

        Assert.Equal(new AppointmentLink(tenant.CompanyId, id, AppointmentLinkType.Reschedule), await links.ReadAsync(reschedule));
        Assert.Equal(new AppointmentLink(tenant.CompanyId, id, AppointmentLinkType.Cancel), await links.ReadAsync(cancel));
        Assert.Equal(new AppointmentLink(tenant.CompanyId, id, AppointmentLinkType.Confirm), await links.ReadAsync(confirm));
        Assert.Equal(reschedule, (await tenant.GetAsync($"/api/v2/appointment/hash/{id}?hash_type=reschedule")).Data.GetString());

        // Another appointment id, type or company under the same signature is refused, as is a changed signature.
        // The signature is base64url and may itself hold '-': split as the reader does, into three parts at most.
        var parts = cancel.Split('-', 3);
        Assert.Null(await links.ReadAsync($"{parts[0]}-{id + 1:x}-{parts[2]}"));
        Assert.Null(await links.ReadAsync($"r{parts[0][1..]}-{parts[1]}-{parts[2]}"));
        Assert.Null(await links.ReadAsync($"c{tenant.CompanyId + 1:x}-{parts[1]}-{parts[2]}"));
        Assert.Null(await links.ReadAsync($"{parts[0]}-{parts[1]}-{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}"));
        Assert.Null(await links.ReadAsync("not-a-token"));

        var bad = await tenant.GetAsync($"/api/v2/appointment/hash/{id}?hash_type=delete");
        Assert.Equal((400, 1), (bad.HttpStatus, bad.StatusCode));
        Assert.Contains("hash_type", bad.StatusDescriptions, StringComparison.Ordinal);
        var missing = await tenant.GetAsync("/api/v2/appointment/hash");
        Assert.Equal((400, 1), (missing.HttpStatus, missing.StatusCode));
        Assert.Contains("appointment_id", missing.StatusDescriptions, StringComparison.Ordinal);
        Assert.Equal(404, (await tenant.GetAsync($"/api/v2/appointment/hash/{id + 1000}")).HttpStatus);
    }

    private static async Task<(Envelope Envelope, bool Replayed)> PostWithKeyAsync(Tenant tenant, string key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/appointment") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        var response = await tenant.Client.SendAsync(request);
        return (await Envelope.ReadAsync(response), response.Headers.Contains("Idempotent-Replayed"));
    }

    /// <summary>The company's appointment events, in commit order.</summary>
    private Task<List<JsonElement>> EventsAsync(long companyId) =>
        Task.FromResult(Factory.Services.GetRequiredService<CommittedEvents>().OfCompany(companyId, Factory.Services.GetRequiredService<GrainStateJson>().Options));
}

public sealed class AppointmentsApiMemoryTests(MemoryApiStorage storage) : AppointmentsApiTests<MemoryApiStorage>(storage);

public sealed class AppointmentsApiPostgresTests(PostgresApiStorage storage) : AppointmentsApiTests<PostgresApiStorage>(storage);
