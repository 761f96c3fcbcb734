using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Holidays;

public abstract class HolidaysApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    // "This year" for the responses is the clock's: 2031.
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero));

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(_clock);

    [Fact]
    public async Task AYearlyHolidayIsSavedWithItsCaptionAndThisYearsDate()
    {
        var tenant = await SignUpAsync();

        var saved = await tenant.PostJsonAsync("/api/v2/availability/saveHoliday", new { name = "Memorial Day", type = 1, month = 4, day_in_week = 0, day_order = 4 });

        Assert.Equal((200, 0), (saved.HttpStatus, saved.StatusCode));
        var data = saved.Data;
        Assert.Equal(["id", "company_id", "name", "type", "start_date", "end_date", "day_in_week", "month", "day_order", "year", "caption", "enabled", "timestamp"],
            data.EnumerateObject().Select(p => p.Name).Take(13));
        Assert.Equal(JsonValueKind.Number, data.GetProperty("id").ValueKind);
        Assert.Equal(tenant.CompanyId, data.GetProperty("company_id").GetInt64());
        Assert.Equal("Last Monday of May (Memorial Day)", data.GetProperty("caption").GetString());
        Assert.Equal(("2031-05-26 00:00:00", "2031-05-26 23:59:59"), (data.GetProperty("start_date").GetString(), data.GetProperty("end_date").GetString()));
        Assert.Equal((0, 1), (data.GetProperty("year").GetInt32(), data.GetProperty("enabled").GetInt32()));
        Assert.Equal(new DateTimeOffset(2031, 5, 26, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), data.GetProperty("timestamp").GetInt64());
    }

    [Fact]
    public async Task AFixedHolidayIsTheWholeDaysFromItsStartToItsEnd()
    {
        var tenant = await SignUpAsync();

        var saved = await tenant.PostJsonAsync("/api/v2/availability/saveHoliday",
            new { name = "Christmas", type = 2, start_date = "2031-12-24 10:00", end_date = "2031-12-26 15:30:00" });

        var data = saved.Data;
        Assert.Equal(("2031-12-24 00:00:00", "2031-12-26 23:59:59"), (data.GetProperty("start_date").GetString(), data.GetProperty("end_date").GetString()));
        Assert.Equal("Dec 24th 2031 - Dec 26th 2031 (Christmas)", data.GetProperty("caption").GetString());
        Assert.Equal(2031, data.GetProperty("year").GetInt32());
        Assert.Equal(new DateTimeOffset(2031, 12, 24, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds(), data.GetProperty("timestamp").GetInt64());
    }

    [Fact]
    public async Task AFixedHolidayWithoutAnEndIsOneDayAndWithoutANameHasAPlainCaption()
    {
        var tenant = await SignUpAsync();

        var saved = await tenant.PostJsonAsync("/api/v2/availability/saveHoliday", new { type = 2, start_date = "2031-7-4" });

        Assert.Equal(("2031-07-04 23:59:59", "Jul 4th 2031"), (saved.Data.GetProperty("end_date").GetString(), saved.Data.GetProperty("caption").GetString()));
    }

    [Fact]
    public async Task AHolidayIsReadByIdAsAnObjectAndDatedInTheYearAskedFor()
    {
        var tenant = await SignUpAsync();
        var id = await SaveAsync(tenant, new { name = "Memorial Day", type = 1, month = 4, day_in_week = 0, day_order = 4 });

        var thisYear = await tenant.GetAsync($"/api/v2/availability/getHoliday/{id}");
        var nextYear = await tenant.GetAsync($"/api/v2/availability/getHoliday/{id}?year=2032");

        Assert.Equal((0, JsonValueKind.Object), (thisYear.StatusCode, thisYear.Data.ValueKind));
        Assert.Equal(id, thisYear.Data.GetProperty("id").GetInt64());
        Assert.Equal("2031-05-26 00:00:00", thisYear.Data.GetProperty("start_date").GetString());
        Assert.Equal("2032-05-31 00:00:00", nextYear.Data.GetProperty("start_date").GetString());
    }

    [Fact]
    public async Task SavingWithAnIdModifiesOnlyWhatIsGiven()
    {
        var tenant = await SignUpAsync();
        var id = await SaveAsync(tenant, new { name = "Christmas", type = 2, start_date = "2031-12-25" });

        var disabled = await tenant.PostJsonAsync($"/api/v2/availability/saveHoliday/{id}", new { enabled = 0 });
        var renamed = await tenant.PostJsonAsync("/api/v2/availability/saveHoliday", new { id, name = "Xmas", end_date = "2031-12-26" });

        Assert.Equal((0, "Christmas", "2031-12-25 00:00:00"), (disabled.Data.GetProperty("enabled").GetInt32(), disabled.Data.GetProperty("name").GetString(), disabled.Data.GetProperty("start_date").GetString()));
        Assert.Equal((id, "Xmas", 0, "2031-12-26 23:59:59"),
            (renamed.Data.GetProperty("id").GetInt64(), renamed.Data.GetProperty("name").GetString(), renamed.Data.GetProperty("enabled").GetInt32(), renamed.Data.GetProperty("end_date").GetString()));
        Assert.Single(Names(await tenant.GetAsync("/api/v2/availability/getHoliday")));
    }

    [Fact]
    public async Task AnInvalidModificationChangesNothing()
    {
        var tenant = await SignUpAsync();
        var id = await SaveAsync(tenant, new { name = "Christmas", type = 2, start_date = "2031-12-24", end_date = "2031-12-26" });

        var refused = await tenant.PostJsonAsync($"/api/v2/availability/saveHoliday/{id}", new { name = "Moved", start_date = "2031-12-28" });

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith("end_date:", refused.StatusDescriptions);
        var read = await tenant.GetAsync($"/api/v2/availability/getHoliday/{id}");
        Assert.Equal(("Christmas", "2031-12-24 00:00:00"), (read.Data.GetProperty("name").GetString(), read.Data.GetProperty("start_date").GetString()));
    }

    [Fact]
    public async Task TheListIsInDateOrderAndFiltersByTypeEnabledAndYear()
    {
        var tenant = await SignUpAsync();
        await SaveAsync(tenant, new { name = "Thanksgiving", type = 1, month = 10, day_in_week = 3, day_order = 3 });
        await SaveAsync(tenant, new { name = "Christmas", type = 2, start_date = "2031-12-24", end_date = "2031-12-26", enabled = 0 });
        await SaveAsync(tenant, new { name = "New Year 2030", type = 2, start_date = "2030-01-01" });
        await SaveAsync(tenant, new { name = "Year end", type = 2, start_date = "2031-12-31", end_date = "2032-01-02" });

        Assert.Equal(["New Year 2030", "Thanksgiving", "Christmas", "Year end"], Names(await tenant.GetAsync("/api/v2/availability/getHoliday")));
        Assert.Equal(["New Year 2030", "Christmas", "Year end"], Names(await tenant.GetAsync("/api/v2/availability/getHoliday?type=2")));
        Assert.Equal(["Christmas"], Names(await tenant.GetAsync("/api/v2/availability/getHoliday?enabled=0")));
        Assert.Equal(["Year end", "Thanksgiving"], Names(await tenant.GetAsync("/api/v2/availability/getHoliday?year=2032")));
        Assert.Equal(["Thanksgiving", "Christmas"], Names(await tenant.GetAsync("/api/v2/availability/getHoliday?start=1&end=3")));
        var thanksgiving2032 = (await tenant.GetAsync("/api/v2/availability/getHoliday?year=2032")).Data[1];
        Assert.Equal("2032-11-25 00:00:00", thanksgiving2032.GetProperty("start_date").GetString());
    }

    [Fact]
    public async Task DeleteTakesACommaSeparatedListOfIds()
    {
        var tenant = await SignUpAsync();
        var a = await SaveAsync(tenant, new { name = "A", type = 2, start_date = "2031-01-01" });
        var b = await SaveAsync(tenant, new { name = "B", type = 2, start_date = "2031-01-02" });
        var c = await SaveAsync(tenant, new { name = "C", type = 2, start_date = "2031-01-03" });

        var deleted = await Post(tenant, $"/api/v2/availability/deleteHoliday/{a},{c}");
        var byQuery = await Post(tenant, $"/api/v2/availability/deleteHoliday?ids={b}");

        Assert.Equal((200, 0, JsonValueKind.True), (deleted.HttpStatus, deleted.StatusCode, deleted.Data.ValueKind));
        Assert.Equal(0, byQuery.StatusCode);
        Assert.Empty(Names(await tenant.GetAsync("/api/v2/availability/getHoliday")));
    }

    [Fact]
    public async Task DeleteWithOneUnknownIdDeletesNothing()
    {
        var tenant = await SignUpAsync();
        var a = await SaveAsync(tenant, new { name = "A", type = 2, start_date = "2031-01-01" });

        var refused = await Post(tenant, $"/api/v2/availability/deleteHoliday/{a},987654321");

        Assert.Equal((404, 7), (refused.HttpStatus, refused.StatusCode));
        Assert.Equal(["A"], Names(await tenant.GetAsync("/api/v2/availability/getHoliday")));
    }

    [Theory]
    [InlineData("/api/v2/availability/deleteHoliday/12,abc")]
    [InlineData("/api/v2/availability/deleteHoliday/12,-5")]
    [InlineData("/api/v2/availability/deleteHoliday/,,")]
    [InlineData("/api/v2/availability/deleteHoliday")]
    public async Task DeleteWithMalformedIdsIsRefusedNamingIds(string url)
    {
        var tenant = await SignUpAsync();

        var refused = await Post(tenant, url);

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith("ids:", refused.StatusDescriptions);
    }

    [Theory]
    [InlineData("""{"name":"No type"}""", "type")]
    [InlineData("""{"type":3,"start_date":"2031-01-01"}""", "type")]
    [InlineData("""{"type":"yearly"}""", "type")]
    [InlineData("""{"type":1,"month":12,"day_in_week":0,"day_order":0}""", "month")]
    [InlineData("""{"type":1,"month":0,"day_in_week":7,"day_order":0}""", "day_in_week")]
    [InlineData("""{"type":1,"month":0,"day_in_week":0,"day_order":5}""", "day_order")]
    [InlineData("""{"type":1,"month":0,"day_in_week":0}""", "day_order")]
    [InlineData("""{"type":2}""", "start_date")]
    [InlineData("""{"type":2,"start_date":"2031-02-30"}""", "start_date")]
    [InlineData("""{"type":2,"start_date":"12/25/2031"}""", "start_date")]
    [InlineData("""{"type":2,"start_date":["2031-01-01"]}""", "start_date")]
    [InlineData("""{"type":2,"start_date":"2031-12-26","end_date":"2031-12-25"}""", "end_date")]
    [InlineData("""{"type":2,"start_date":"2031-01-01","enabled":"maybe"}""", "enabled")]
    public async Task ABadHolidayIsRefusedNamingTheField(string body, string field)
    {
        var tenant = await SignUpAsync();

        var refused = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/availability/saveHoliday", new StringContent(body, Encoding.UTF8, "application/json")));

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith(field + ":", refused.StatusDescriptions);
        Assert.Empty(Names(await tenant.GetAsync("/api/v2/availability/getHoliday")));
    }

    [Fact]
    public async Task AnOversizedNameAndABadYearAreRefusedNamingThem()
    {
        var tenant = await SignUpAsync();

        var name = await tenant.PostJsonAsync("/api/v2/availability/saveHoliday", new { name = new string('x', 129), type = 2, start_date = "2031-01-01" });
        var year = await tenant.GetAsync("/api/v2/availability/getHoliday?year=99999");

        Assert.Equal("name: longer than 128 characters", name.StatusDescriptions);
        Assert.StartsWith("year:", year.StatusDescriptions);
    }

    [Fact]
    public async Task EveryRequestFormSavesAHolidayWithLenientScalars()
    {
        var tenant = await SignUpAsync();

        var wrapped = await tenant.PostJsonAsync("/api/v2/availability/saveHoliday", new { data = new { name = "Wrapped", type = "1", month = "4", day_in_week = "0", day_order = "4" } });
        var form = await tenant.PostFormAsync("/api/v2/availability/saveHoliday", new { name = "Form", type = 2, start_date = "2031-12-25 00:00:00", enabled = "1" });
        var query = await Post(tenant, "/api/v2/availability/saveHoliday?name=Query&type=2&start_date=2031-1-1&enabled=false");

        Assert.Equal("Last Monday of May (Wrapped)", wrapped.Data.GetProperty("caption").GetString());
        Assert.Equal("Dec 25th 2031 (Form)", form.Data.GetProperty("caption").GetString());
        Assert.Equal((0, "2031-01-01 00:00:00"), (query.Data.GetProperty("enabled").GetInt32(), query.Data.GetProperty("start_date").GetString()));
    }

    [Fact]
    public async Task PathsAreCaseInsensitiveAndAcceptATrailingSlash()
    {
        var tenant = await SignUpAsync();
        await SaveAsync(tenant, new { name = "A", type = 2, start_date = "2031-01-01" });

        Assert.Equal(["A"], Names(await tenant.GetAsync("/api/v2/availability/getholiday/")));
        Assert.Equal(["A"], Names(await tenant.GetAsync("/api/v2/AVAILABILITY/GETHOLIDAY")));
    }

    [Fact]
    public async Task AMalformedIdIsRefusedAndAnUnknownOneIsNotFound()
    {
        var tenant = await SignUpAsync();

        var malformed = new[]
        {
            await tenant.GetAsync("/api/v2/availability/getHoliday/abc"),
            await tenant.PostJsonAsync("/api/v2/availability/saveHoliday/0", new { name = "x" }),
        };
        var unknown = new[]
        {
            await tenant.GetAsync("/api/v2/availability/getHoliday/987654321"),
            await tenant.PostJsonAsync("/api/v2/availability/saveHoliday/987654321", new { name = "x" }),
            await tenant.PostJsonAsync("/api/v2/availability/saveHoliday", new { id = 987654321, name = "x" }),
        };

        Assert.All(malformed, e => Assert.Equal((400, 1, true), (e.HttpStatus, e.StatusCode, e.StatusDescriptions.StartsWith("id:", StringComparison.Ordinal))));
        Assert.All(unknown, e => Assert.Equal((404, 7), (e.HttpStatus, e.StatusCode)));
    }

    [Fact]
    public async Task AnotherTenantCannotSeeOrChangeTheHolidays()
    {
        var owner = await SignUpAsync("owner");
        var other = await SignUpAsync("other");
        var id = await SaveAsync(owner, new { name = "Owner's retreat", type = 2, start_date = "2031-06-01" });

        var attempts = new[]
        {
            await other.GetAsync($"/api/v2/availability/getHoliday/{id}"),
            await other.PostJsonAsync($"/api/v2/availability/saveHoliday/{id}", new { name = "Hijacked" }),
            await other.PostJsonAsync("/api/v2/availability/saveHoliday", new { id, name = "Hijacked" }),
            await Post(other, $"/api/v2/availability/deleteHoliday/{id}"),
            await Post(other, $"/api/v2/availability/deleteHoliday?ids={id}"),
        };

        Assert.All(attempts, e => Assert.Equal((404, 7), (e.HttpStatus, e.StatusCode)));
        Assert.All(attempts, e => Assert.DoesNotContain("retreat", e.Data.GetRawText()));
        Assert.Empty(Names(await other.GetAsync("/api/v2/availability/getHoliday")));
        var kept = await owner.GetAsync($"/api/v2/availability/getHoliday/{id}");
        Assert.Equal("Owner's retreat", kept.Data.GetProperty("name").GetString());
    }

    [Fact]
    public async Task WithoutASessionNothingIsAllowed()
    {
        var refused = new[]
        {
            await Anonymous.GetEnvelopeAsync("/api/v2/availability/getHoliday"),
            await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/availability/saveHoliday", new { type = 2, start_date = "2031-01-01" })),
            await Envelope.ReadAsync(await Anonymous.PostAsync("/api/v2/availability/deleteHoliday/1", null)),
        };

        Assert.All(refused, e => Assert.Equal((403, 8), (e.HttpStatus, e.StatusCode)));
    }

    private static async Task<long> SaveAsync(Tenant tenant, object body)
    {
        var saved = await tenant.PostJsonAsync("/api/v2/availability/saveHoliday", body);
        Assert.True(saved.StatusCode == 0, saved.StatusDescriptions);
        return saved.Data.GetProperty("id").GetInt64();
    }

    private static async Task<Envelope> Post(Tenant tenant, string url) => await Envelope.ReadAsync(await tenant.Client.PostAsync(url, null));

    private static List<string?> Names(Envelope list)
    {
        Assert.True(list.StatusCode == 0, list.StatusDescriptions);
        return [.. list.Data.EnumerateArray().Select(h => h.GetProperty("name").GetString())];
    }
}

public sealed class HolidaysApiMemoryTests(MemoryApiStorage storage) : HolidaysApiTests<MemoryApiStorage>(storage);

public sealed class HolidaysApiPostgresTests(PostgresApiStorage storage) : HolidaysApiTests<PostgresApiStorage>(storage);
