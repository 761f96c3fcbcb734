using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scheduling.ApiHost.Employees;
using Scheduling.ApiHost.Tests.Appointments;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.Grains.Webhooks;
using Scheduling.TestSupport;
using static Scheduling.ApiHost.Tests.Employees.CalendarFeedServer;

namespace Scheduling.ApiHost.Tests.Employees;

/// <summary>
/// GET /employee/sync/{id}: the employee's Internet Calendar, served by a real HTTP server on 127.0.0.1, becomes busy
/// time (status 4) that availability and booking leave out; later syncs follow the feed by event UID.
/// </summary>
public abstract class EmployeeSyncTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    // Booking day: Monday 2031-03-03, US/Pacific (GMT -08:00), working 09:00-17:00, a 60-minute service.
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly WebhookOptions _targets = new() { AllowPrivateTargets = true };
    private readonly RebindingResolver _resolver = new();
    private CalendarFeedServer _feed = null!;

    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Workers:Enabled"] = "false" };

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(_clock);

        // One options object the tests may flip: loopback feeds are allowed unless a test forbids private targets.
        services.AddSingleton<IOptions<WebhookOptions>>(Options.Create(_targets));
        services.AddSingleton<IHostAddressResolver>(_resolver);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _feed = await StartAsync();
    }

    public override async Task DisposeAsync()
    {
        await _feed.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task SyncTurnsTheFeedsEventsInEveryTimeFormIntoBusyTimeThatAvailabilityAndBookingLeaveOut()
    {
        var (tenant, shop) = await ShopWithFeedAsync();
        _feed.Body = Calendar(
            Event("utc@test", "DTSTART:20310303T180000Z", "DTEND:20310303T190000Z"), // 10:00-11:00 Pacific
            Event("zoned@test", "DTSTART;TZID=America/New_York:20310303T160000", "DTEND;TZID=America/New_York:20310303T170000"), // 13:00-14:00
            Event("windows@test", "DTSTART;TZID=Pacific Standard Time:20310303T153000", "DURATION:PT30M"), // 15:30-16:00
            Event("allday@test", "DTSTART;VALUE=DATE:20310304", "DTEND;VALUE=DATE:20310305"),
            Event("free@test", "DTSTART:20310303T170000Z", "DTEND:20310303T180000Z", "TRANSP:TRANSPARENT"),
            Event("past@test", "DTSTART:20310201T170000Z", "DTEND:20310201T180000Z"));

        var synced = await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");

        Assert.Equal((200, 0, "SYNCED"), (synced.HttpStatus, synced.StatusCode, synced.StatusDescriptions));
        Assert.Equal((4, 0, 0), (synced.Data.GetProperty("added").GetInt32(), synced.Data.GetProperty("moved").GetInt32(), synced.Data.GetProperty("removed").GetInt32()));
        Assert.Equal(["09:00", "11:00", "12:00", "14:00", "16:00"], await FreeTimesAsync(tenant, shop, BookingTestData.Day));
        Assert.Empty(await FreeTimesAsync(tenant, shop, "2031-03-04"));
        Assert.Equal((409, 10), (await tenant.BookAsync(shop.Booking("10:00"))).Status());
        Assert.Equal((409, 10), (await tenant.BookAsync(shop.Booking("15:00"))).Status());
        var busy = (await tenant.GetAsync($"/api/v2/appointment?status=4&employee_id={shop.Employee}&timezone_id=553")).Data.EnumerateArray().ToList();
        Assert.Equal(["2031-03-03 10:00", "2031-03-03 13:00", "2031-03-03 15:30", "2031-03-04 00:00"], busy.Select(b => b.GetProperty("start_date").GetString()));
        Assert.All(busy, b => Assert.Equal(("busy", 0L, 0L), (b.GetProperty("type").GetString(), b.GetProperty("service_id").GetInt64(), b.GetProperty("client_id").GetInt64())));
        Assert.DoesNotContain(busy, b => b.ToString().Contains("Private meeting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASecondSyncMovesChangedEventsRemovesVanishedOnesAndAddsNoDuplicates()
    {
        var (tenant, shop) = await ShopWithFeedAsync();
        _feed.Body = Calendar(
            Event("a@test", "DTSTART:20310303T180000Z", "DTEND:20310303T190000Z"), // 10:00
            Event("b@test", "DTSTART:20310303T210000Z", "DTEND:20310303T220000Z")); // 13:00
        await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");
        _feed.Body = Calendar(
            Event("a@test", "DTSTART:20310303T230000Z", "DTEND:20310304T000000Z"), // moved to 15:00
            Event("c@test", "DTSTART:20310303T200000Z", "DTEND:20310303T210000Z")); // new at 12:00

        var second = await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");
        var third = await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");

        Assert.Equal((1, 1, 1), (second.Data.GetProperty("added").GetInt32(), second.Data.GetProperty("moved").GetInt32(), second.Data.GetProperty("removed").GetInt32()));
        Assert.Equal((0, 0, 0), (third.Data.GetProperty("added").GetInt32(), third.Data.GetProperty("moved").GetInt32(), third.Data.GetProperty("removed").GetInt32()));
        Assert.Equal(["09:00", "10:00", "11:00", "13:00", "14:00", "16:00"], await FreeTimesAsync(tenant, shop, BookingTestData.Day));
        Assert.Equal(2, (await tenant.GetAsync($"/api/v2/appointment?status=4&num_results=1")).Data.GetInt64());
        Assert.Equal(3, _feed.Requests);
    }

    [Fact]
    public async Task ARecurringEventBlocksEveryOccurrenceAndASyncFollowsItsExceptions()
    {
        var (tenant, shop) = await ShopWithFeedAsync();
        // Every weekday 10:00-11:00 Pacific from Monday the 3rd, except Wednesday the 5th.
        _feed.Body = Calendar(Event(
            "daily@test",
            "DTSTART;TZID=America/Los_Angeles:20310303T100000",
            "DTEND;TZID=America/Los_Angeles:20310303T110000",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            "EXDATE;TZID=America/Los_Angeles:20310305T100000"));

        var first = await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");
        var again = await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");

        // About 26 weeks of weekdays (the sync's horizon), less the exception.
        Assert.InRange(first.Data.GetProperty("added").GetInt32(), 125, 131);
        Assert.Equal((0, 0, 0), (again.Data.GetProperty("added").GetInt32(), again.Data.GetProperty("moved").GetInt32(), again.Data.GetProperty("removed").GetInt32()));
        Assert.DoesNotContain("10:00", await FreeTimesAsync(tenant, shop, "2031-03-04"));
        Assert.Contains("10:00", await FreeTimesAsync(tenant, shop, "2031-03-05"));
        Assert.DoesNotContain("10:00", await FreeTimesAsync(tenant, shop, "2031-04-18"));

        // The series now skips the 7th too: that occurrence goes on the next sync, the others stay.
        _feed.Body = Calendar(Event(
            "daily@test",
            "DTSTART;TZID=America/Los_Angeles:20310303T100000",
            "DTEND;TZID=America/Los_Angeles:20310303T110000",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            "EXDATE;TZID=America/Los_Angeles:20310305T100000,20310307T100000"));
        var third = await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");

        Assert.Equal((0, 0, 1), (third.Data.GetProperty("added").GetInt32(), third.Data.GetProperty("moved").GetInt32(), third.Data.GetProperty("removed").GetInt32()));
        Assert.Contains("10:00", await FreeTimesAsync(tenant, shop, "2031-03-07"));
    }

    [Fact]
    public async Task AnEventOverlappingABookedAppointmentIsLeftOutAndReportedWhileTheOthersAreImported()
    {
        var (tenant, shop) = await ShopWithFeedAsync();
        await tenant.BookIdAsync(shop.Booking("09:00"));
        _feed.Body = Calendar(
            Event("clash@test", "DTSTART:20310303T173000Z", "DTEND:20310303T183000Z"), // 09:30-10:30
            Event("fine@test", "DTSTART:20310303T200000Z", "DTEND:20310303T210000Z")); // 12:00

        var synced = await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");

        Assert.Equal((200, 0), synced.Status());
        Assert.Equal(1, synced.Data.GetProperty("added").GetInt32());
        var clash = Assert.Single(synced.Data.GetProperty("clashes").EnumerateArray());
        Assert.Equal(("clash@test", "2031-03-03 09:30"), (clash.GetProperty("uid").GetString(), clash.GetProperty("start_date").GetString()));
        Assert.Equal(["10:00", "11:00", "13:00", "14:00", "15:00", "16:00"], await FreeTimesAsync(tenant, shop, BookingTestData.Day));
    }

    [Fact]
    public async Task AnEmptyFeedRemovesTheImportedBusyTimeAndDeletingTheEmployeeIsNotBlockedByIt()
    {
        var (tenant, shop) = await ShopWithFeedAsync();
        _feed.Body = Calendar(Event("a@test", "DTSTART:20310303T180000Z", "DTEND:20310303T190000Z"));
        await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");
        _feed.Body = Calendar();

        var emptied = await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");
        _feed.Body = Calendar(Event("a@test", "DTSTART:20310303T180000Z", "DTEND:20310303T190000Z"));
        await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");
        var deleted = await tenant.DeleteAsync($"/api/v2/employee/{shop.Employee}");

        Assert.Equal(1, emptied.Data.GetProperty("removed").GetInt32());
        Assert.Equal((200, 0), deleted.Status());
        Assert.Equal(0, (await tenant.GetAsync("/api/v2/appointment?status=4&num_results=1")).Data.GetInt64());
    }

    [Fact]
    public async Task SyncWithoutAnIcsUrlIsRefusedNamingTheField()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();

        var refused = await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");

        Assert.Equal((400, 1), refused.Status());
        Assert.StartsWith("ics_url:", refused.StatusDescriptions, StringComparison.Ordinal);
        Assert.Equal(0, _feed.Requests);
    }

    [Fact]
    public async Task AFeedOnAPrivateAddressIsRefusedWhenPrivateTargetsAreNotAllowed()
    {
        var (tenant, shop) = await ShopWithFeedAsync();
        _feed.Body = Calendar(Event("a@test", "DTSTART:20310303T180000Z", "DTEND:20310303T190000Z"));
        _targets.AllowPrivateTargets = false;

        var refused = await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");

        Assert.Equal((400, 1), refused.Status());
        Assert.Contains("ics_url:", refused.StatusDescriptions, StringComparison.Ordinal);
        Assert.Contains("private", refused.StatusDescriptions, StringComparison.Ordinal);
        Assert.Equal(0, _feed.Requests);
        Assert.Equal(0, (await tenant.GetAsync("/api/v2/appointment?status=4&num_results=1")).Data.GetInt64());
    }

    [Fact]
    public async Task AFeedNameThatResolvesToAPrivateAddressOnlyWhenConnectingIsRefused()
    {
        var (tenant, shop) = await ShopWithFeedAsync();
        _feed.Body = Calendar(Event("a@test", "DTSTART:20310303T180000Z", "DTEND:20310303T190000Z"));
        await tenant.PutJsonAsync($"/api/v2/employee/{shop.Employee}", new { ics_url = _feed.Url.Replace("127.0.0.1", "feed.test", StringComparison.Ordinal) });
        _targets.AllowPrivateTargets = false;

        // The name is public when the URL is checked and loopback when the connection is made (DNS rebinding).
        var refused = await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");

        Assert.Equal((400, 1), refused.Status());
        Assert.StartsWith("ics_url: feed.test resolves to 127.0.0.1: private, loopback or link-local addresses are refused", refused.StatusDescriptions, StringComparison.Ordinal);
        Assert.Equal(2, _resolver.Lookups);
        Assert.Equal(0, _feed.Requests);
    }

    [Fact]
    public async Task AFeedThatAnswersAnErrorIsNotACalendarOrIsTooLargeIsRefusedAndChangesNothing()
    {
        var (tenant, shop) = await ShopWithFeedAsync();
        _feed.Status = 404;
        var missing = await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");
        _feed.Status = 200;
        _feed.Body = "<html>not a calendar</html>";
        var notCalendar = await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");
        _feed.Body = Calendar(Event("a@test", "DTSTART:20310303T180000Z", "DTEND:20310303T190000Z")) + new string(' ', CalendarFeedClient.MaxBytes);
        var tooLarge = await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}");

        Assert.Equal((400, 1), missing.Status());
        Assert.Contains("404", missing.StatusDescriptions, StringComparison.Ordinal);
        Assert.Equal((400, 1), notCalendar.Status());
        Assert.Contains("not an iCalendar feed", notCalendar.StatusDescriptions, StringComparison.Ordinal);
        Assert.Equal((400, 1), tooLarge.Status());
        Assert.Contains("larger than", tooLarge.StatusDescriptions, StringComparison.Ordinal);
        Assert.Equal(0, (await tenant.GetAsync("/api/v2/appointment?status=4&num_results=1")).Data.GetInt64());
    }

    [Fact]
    public async Task SyncRefusesExportUnknownAndMalformedIdsAndAnotherCompanysEmployee()
    {
        var (tenant, shop) = await ShopWithFeedAsync();
        var other = await SignUpAsync();
        _feed.Body = Calendar(Event("a@test", "DTSTART:20310303T180000Z", "DTEND:20310303T190000Z"));

        Assert.Equal((400, 1), (await tenant.GetAsync($"/api/v2/employee/sync/{shop.Employee}?export=1")).Status());
        Assert.Equal((404, 7), (await tenant.GetAsync("/api/v2/employee/sync/987654321")).Status());
        Assert.Equal((400, 1), (await tenant.GetAsync("/api/v2/employee/sync/abc")).Status());
        Assert.Equal((404, 7), (await other.GetAsync($"/api/v2/employee/sync/{shop.Employee}")).Status());
        Assert.Equal(0, _feed.Requests);
    }

    private async Task<(Tenant Tenant, Shop Shop)> ShopWithFeedAsync()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var set = await tenant.PutJsonAsync($"/api/v2/employee/{shop.Employee}", new { ics_url = _feed.Url, ics_service = 2 });
        Assert.True(set.StatusCode == 0, set.StatusDescriptions);
        return (tenant, shop);
    }

    private static async Task<string[]> FreeTimesAsync(Tenant tenant, Shop shop, string day)
    {
        var answer = await tenant.GetAsync($"/api/v2/availability?service_id={shop.Service}&location_id={shop.Location}&provider_id={shop.Employee}&start_date={day}&t=daily&return=times");
        Assert.True(answer.StatusCode == 0, answer.StatusDescriptions);
        return answer.Data.GetProperty("times").TryGetProperty(day, out var times)
            ? [.. times.EnumerateArray().Select(t => t.GetString()![..5])]
            : [];
    }
}

/// <summary>Answers a public address for the first lookup of a name and loopback for every later one.</summary>
internal sealed class RebindingResolver : IHostAddressResolver
{
    private int _lookups;

    public int Lookups => _lookups;

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Task.FromResult(Interlocked.Increment(ref _lookups) == 1 ? new[] { IPAddress.Parse("93.184.216.34") } : [IPAddress.Loopback]);
}

public sealed class EmployeeSyncMemoryTests(MemoryApiStorage storage) : EmployeeSyncTests<MemoryApiStorage>(storage);

public sealed class EmployeeSyncPostgresTests(PostgresApiStorage storage) : EmployeeSyncTests<PostgresApiStorage>(storage);
