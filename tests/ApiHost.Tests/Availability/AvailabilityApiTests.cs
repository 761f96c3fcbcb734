using System.Text.Json;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.ApiHost.Tests.Locations;

namespace Scheduling.ApiHost.Tests.Availability;

public abstract class AvailabilityApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    // 2031-06-02 is a Monday; US/Pacific (the default zone) is on PDT (-07:00) then.
    private const string Monday = "2031-06-02";

    [Fact]
    public async Task TimesListEveryStartOfTheDayForTheService()
    {
        var shop = await ShopAsync(duration: 60);

        var answer = await shop.Tenant.GetAsync($"/api/v2/availability?service_id={shop.Service}&location_id={shop.Location}&start_date={Monday}&t=daily&return=times");

        Assert.Equal(0, answer.StatusCode);
        Assert.Equal(60, answer.Data.GetProperty("interval").GetInt32());
        Assert.Equal((2, 6, 2031), (answer.Data.GetProperty("day").GetInt32(), answer.Data.GetProperty("month").GetInt32(), answer.Data.GetProperty("year").GetInt32()));
        Assert.Equal(["09:00:00", "10:00:00", "11:00:00"], Times(answer.Data, Monday));
    }

    [Fact]
    public async Task WeeklyCoversSevenDaysAndNoOfWeeksMore()
    {
        var shop = await ShopAsync(duration: 60);

        var weekly = await shop.Tenant.GetAsync($"/api/v2/availability?service_id={shop.Service}&start_date={Monday}&t=weekly");
        var month = await shop.Tenant.GetAsync($"/api/v2/availability?service_id={shop.Service}&start_date={Monday}&no_of_weeks=4");

        Assert.Equal(7, weekly.Data.GetProperty("times").EnumerateObject().Count());
        Assert.Equal(["09:00:00", "10:00:00", "11:00:00"], Times(weekly.Data, Monday));
        Assert.Empty(Times(weekly.Data, "2031-06-03"));
        Assert.Equal(28, month.Data.GetProperty("times").EnumerateObject().Count());
        Assert.Equal(3, Times(month.Data, "2031-06-23").Count);
    }

    [Fact]
    public async Task BoxesIndexStartsByFiveMinuteBoxesWithTheirSeats()
    {
        var shop = await ShopAsync(duration: 60, seats: 4);

        var answer = await shop.Tenant.GetAsync($"/api/v2/availability?service_id={shop.Service}&start_date={Monday}&return=boxes&available_seats=1");

        Assert.Equal(5, answer.Data.GetProperty("boxInterval").GetInt32());
        var boxes = answer.Data.GetProperty("boxes").GetProperty(Monday);
        Assert.Equal(["108", "120", "132"], boxes.EnumerateObject().Select(b => b.Name));
        Assert.Equal(4, boxes.GetProperty("108").GetInt32());
        Assert.Equal(4, answer.Data.GetProperty("seats").GetProperty(Monday).GetProperty("09:00:00").GetInt32());
    }

    [Fact]
    public async Task TimezoneIdConvertsTheTimesIntoThatZone()
    {
        var shop = await ShopAsync(duration: 60);

        // Europe/Berlin is UTC+2 in June, nine hours ahead of US/Pacific (UTC-7).
        var answer = await shop.Tenant.GetAsync($"/api/v2/availability?service_id={shop.Service}&start_date={Monday}&timezone_id={TimeZoneId("Europe/Berlin")}");

        Assert.Equal(["18:00:00", "19:00:00", "20:00:00"], Times(answer.Data, Monday));
    }

    [Fact]
    public async Task FirstAvailableScansForwardToTheFirstDayWithASlot()
    {
        var shop = await ShopAsync(duration: 60);

        // Tuesday has no hours; the next Monday is the first day with a slot.
        var answer = await shop.Tenant.GetAsync($"/api/v2/availability?service_id={shop.Service}&start_date=2031-06-03&first_available=1");

        Assert.Equal(9, answer.Data.GetProperty("day").GetInt32());
        Assert.Equal(3, Times(answer.Data, "2031-06-09").Count);
    }

    [Fact]
    public async Task AHolidayOffersNothingThatDay()
    {
        var shop = await ShopAsync(duration: 60);
        Assert.Equal(0, (await shop.Tenant.PostJsonAsync("/api/v2/availability/saveHoliday", new { name = "Closed", type = 2, start_date = Monday })).StatusCode);

        var answer = await shop.Tenant.GetAsync($"/api/v2/availability?service_id={shop.Service}&start_date={Monday}");

        Assert.Empty(Times(answer.Data, Monday));
    }

    [Fact]
    public async Task ProviderIdLimitsTheAnswerToThatEmployeeAndTotalSeatsAddsThemUp()
    {
        var shop = await ShopAsync(duration: 60, seats: 2);
        var second = await shop.Tenant.CreateEmployeeAsync("Bo");
        await HoursAsync(shop.Tenant, second, shop.Location, "09:00", "10:00");
        await shop.Tenant.PostJsonAsync($"/api/v2/location/assignServices?location_id={shop.Location}", new Dictionary<string, long[]> { [$"{second}"] = [shop.Service] });

        var onlyBo = await shop.Tenant.GetAsync($"/api/v2/availability?service_id={shop.Service}&start_date={Monday}&provider_id={second}");
        var total = await shop.Tenant.GetAsync($"/api/v2/availability?service_id={shop.Service}&start_date={Monday}&total_seats=1");

        Assert.Equal(["09:00:00"], Times(onlyBo.Data, Monday));
        Assert.Equal(4, total.Data.GetProperty("seats").GetProperty(Monday).GetProperty("09:00:00").GetInt32());
        Assert.Equal(2, total.Data.GetProperty("seats").GetProperty(Monday).GetProperty("10:00:00").GetInt32());
    }

    [Fact]
    public async Task SubServicesLengthenTheAppointment()
    {
        var shop = await ShopAsync(duration: 60);
        var addOn = await shop.Tenant.CreateServiceAsync("Polish", 30, new { is_subservice = 1 });
        await shop.Tenant.PutJsonAsync($"/api/v2/service/{shop.Service}", new { subservices = new[] { addOn } });

        var answer = await shop.Tenant.GetAsync($"/api/v2/availability?service_id={shop.Service}&start_date={Monday}&subservices={addOn}");

        Assert.Equal(90, answer.Data.GetProperty("interval").GetInt32());
        Assert.Equal(["09:00:00", "10:30:00"], Times(answer.Data, Monday));
    }

    [Fact]
    public async Task EmployeeGetAvailabilityGivesFreeBoxesBetweenTwoDates()
    {
        var shop = await ShopAsync(duration: 60);

        var answer = await shop.Tenant.GetAsync($"/api/v2/employee/getAvailability?employee_id={shop.Employee}&location_id={shop.Location}&start_date={Monday}&end_date=2031-06-03");

        var monday = answer.Data.GetProperty("boxes").GetProperty(Monday);
        Assert.Equal(36, monday.EnumerateObject().Count());
        Assert.Equal("108", monday.EnumerateObject().First().Name);
        Assert.False(answer.Data.GetProperty("boxes").TryGetProperty("2031-06-03", out _));
    }

    [Theory]
    [InlineData("start_date=2031-06-02", "service_id")]
    [InlineData("service_id={service}", "start_date")]
    [InlineData("service_id={service}&start_date=2031-13-40", "start_date")]
    [InlineData("service_id={service}&start_date=2031-06-02&t=monthly", "t")]
    [InlineData("service_id={service}&start_date=2031-06-02&no_of_weeks=9", "no_of_weeks")]
    [InlineData("service_id={service}&start_date=2031-06-02&timezone_id=999999", "timezone_id")]
    [InlineData("service_id={service}&start_date=2031-06-02&subservices=abc", "subservices")]
    public async Task BadParametersAreRefusedNamingThem(string query, string field)
    {
        var shop = await ShopAsync(duration: 60);

        var answer = await shop.Tenant.GetAsync("/api/v2/availability?" + query.Replace("{service}", shop.Service.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        Assert.Equal((400, 1), (answer.HttpStatus, answer.StatusCode));
        Assert.StartsWith(field + ":", answer.StatusDescriptions);
    }

    [Fact]
    public async Task AnotherTenantCannotAskForThisTenantsAvailability()
    {
        var shop = await ShopAsync(duration: 60);
        var other = await SignUpAsync();

        var byService = await other.GetAsync($"/api/v2/availability?service_id={shop.Service}&start_date={Monday}");
        var byEmployee = await other.GetAsync($"/api/v2/employee/getAvailability?employee_id={shop.Employee}&location_id={shop.Location}&start_date={Monday}");

        Assert.Equal((404, 7), (byService.HttpStatus, byService.StatusCode));
        Assert.Equal((404, 7), (byEmployee.HttpStatus, byEmployee.StatusCode));
    }

    private async Task<Shop> ShopAsync(int duration, int seats = 1)
    {
        var tenant = await SignUpAsync();
        var location = await tenant.CreateLocationAsync();
        var service = await tenant.CreateServiceAsync("Check-up", duration, seats > 1 ? new { group_session = seats } : null);
        var employee = await tenant.CreateEmployeeAsync("Ann");
        await HoursAsync(tenant, employee, location, "09:00", "12:00");
        var linked = await tenant.PostJsonAsync($"/api/v2/location/assignServices?location_id={location}", new Dictionary<string, long[]> { [$"{employee}"] = [service] });
        Assert.Equal(0, linked.StatusCode);
        return new Shop(tenant, location, service, employee);
    }

    private static async Task HoursAsync(Tenant tenant, long employee, long location, string from, string to)
    {
        var assigned = await tenant.PutJsonAsync($"/api/v2/employee/{employee}/assignAvailability", new
        {
            availabilities = new[] { new { repeat = 1, type = 0, location_id = location, days = new { mo = new { time = new[] { new[] { from, to } } } } } },
        });
        Assert.True(assigned.StatusCode == 0, assigned.StatusDescriptions);
    }

    private static List<string> Times(JsonElement data, string date) =>
        data.GetProperty("times").TryGetProperty(date, out var day) ? [.. day.EnumerateArray().Select(t => t.GetString()!)] : [];

    private static int TimeZoneId(string name) =>
        int.Parse(File.ReadLines(Path.Combine(Scheduling.TestSupport.RepositoryPaths.Root, "src", "Grains", "TimeZones", "timezones.csv")).Skip(1).Select(l => l.Split(',')).First(p => p[1] == name)[0], System.Globalization.CultureInfo.InvariantCulture);

    private sealed record Shop(Tenant Tenant, long Location, long Service, long Employee);
}

public sealed class AvailabilityApiMemoryTests(MemoryApiStorage storage) : AvailabilityApiTests<MemoryApiStorage>(storage);

public sealed class AvailabilityApiPostgresTests(PostgresApiStorage storage) : AvailabilityApiTests<PostgresApiStorage>(storage);
