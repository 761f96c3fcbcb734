using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.ApiHost.Tests.Locations;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Services;
using Orleans;
using Orleans.Runtime;
using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Tests.Services;

public abstract class ServicesApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    private static readonly object WeekdayMornings = new[]
    {
        new
        {
            repeat = 1,
            start_date = "01/06/2031",
            start_time = new { hour = 9, min = 0, am = "am" },
            end_date = "01/12/2031",
            end_time = new { hour = 12, min = 30, am = "pm" },
            days = new Dictionary<string, int> { ["1"] = 1, ["2"] = 1, ["3"] = 1, ["4"] = 1, ["5"] = 1 },
        },
    };

    [Fact]
    public async Task CreatedServiceIsAnsweredAsAnObjectAndReadBackAsAOneElementList()
    {
        var tenant = await SignUpAsync();

        var created = await tenant.PostJsonAsync("/api/v2/service", new { name = "Default service", price = "19.90", auto_confirm = 1 });
        var id = created.Data.GetProperty("id").GetInt64();
        var service = Assert.Single((await tenant.GetAsync($"/api/v2/service/{id}")).Data.EnumerateArray());

        Assert.Equal((200, 0), (created.HttpStatus, created.StatusCode));
        Assert.Equal("Default service", service.GetProperty("name").GetString());
        Assert.Equal(tenant.CompanyId, service.GetProperty("company_id").GetInt64());
        Assert.Equal(60, service.GetProperty("duration").GetInt32());
        Assert.Equal(19.90m, service.GetProperty("price").GetDecimal());
        Assert.True(service.GetProperty("auto_confirm").GetBoolean());
        Assert.True(service.GetProperty("status").GetBoolean());
        Assert.False(service.GetProperty("set_schedule").GetBoolean());
        Assert.Equal(JsonValueKind.Null, service.GetProperty("active_from").ValueKind);
        Assert.Equal(0, service.GetProperty("schedule").GetArrayLength());
        Assert.EndsWith("Z", service.GetProperty("created_at").GetString());
    }

    [Fact]
    public async Task TheGrainServesTheServiceAsTypedValuesForTheAvailabilityEngine()
    {
        var tenant = await SignUpAsync();
        var addOn = await tenant.CreateServiceAsync("Wash", 15, new { is_subservice = 1 });
        var id = await tenant.CreateServiceAsync("Group class", 45, new
        {
            duration_padding = 10, start_step = 15, prior_notice = 2, after_notice = 30, group_session = 8, status = "1",
            active_from = "2031-1-1", active_until = "2031-12-31", cancel_appointment = 24, reschedule_appointment = 12,
            set_schedule = true, schedule = WeekdayMornings, subservices = new[] { addOn }, price = 35.5,
        });

        var service = await Factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IServiceGrain>(id).GetAsync();

        Assert.NotNull(service);
        Assert.Equal((45, 10, 15, 2, 30, 8), (service.DurationMinutes, service.PaddingMinutes, service.StartStepMinutes, service.PriorNoticeHours, service.AfterNoticeDays, service.Seats));
        Assert.Equal((24, 12, 35.5m), (service.CancelAppointmentHours, service.RescheduleAppointmentHours, service.Price));
        Assert.Equal((new DateOnly(2031, 1, 1), new DateOnly(2031, 12, 31)), (service.ActiveFrom!.Value, service.ActiveUntil!.Value));
        Assert.Equal([addOn], service.SubServiceIds.ToArray());
        var entry = Assert.Single(service.Schedule);
        Assert.Equal((ScheduleRepeat.Weekly, new TimeOfDayRange(540, 750)), (entry.Repeat, entry.Window));
        // 2031-06-02 is a Monday inside the schedule; 2031-06-07 a Saturday; 2030-06-02 is before active_from.
        Assert.Equal([new TimeOfDayRange(540, 750)], service.WindowsOn(new DateOnly(2031, 6, 2)).ToArray());
        Assert.Empty(service.WindowsOn(new DateOnly(2031, 6, 7)));
        Assert.Empty(service.WindowsOn(new DateOnly(2030, 6, 2)));
    }

    [Theory]
    [InlineData("""{"duration": 30}""", "name")]
    [InlineData("""{"name": "A", "duration": 32}""", "duration")]
    [InlineData("""{"name": "A", "duration": 0}""", "duration")]
    [InlineData("""{"name": "A", "duration": "long"}""", "duration")]
    [InlineData("""{"name": "A", "duration_padding": 3}""", "duration_padding")]
    [InlineData("""{"name": "A", "price": -1}""", "price")]
    [InlineData("""{"name": "A", "require_addon": 2}""", "require_addon")]
    [InlineData("""{"name": "A", "active_from": "next week"}""", "active_from")]
    [InlineData("""{"name": "A", "active_from": "2031-05-01", "active_until": "2031-04-01"}""", "active_until")]
    [InlineData("""{"name": "A", "set_schedule": 1}""", "schedule")]
    [InlineData("""{"name": "A", "schedule": [{"repeat": 1, "start_date": "1/1/2031", "start_time": {"hour": 13, "am": "am"}, "end_time": {"hour": 5, "am": "pm"}, "days": {"1": 1}}]}""", "schedule[0].start_time.hour")]
    [InlineData("""{"name": "A", "schedule": [{"repeat": 2, "start_date": "1/1/2031", "start_time": {"hour": 9, "am": "am"}, "end_time": {"hour": 5, "am": "pm"}, "days": {"32": 1}}]}""", "schedule[0].days.32")]
    [InlineData("""{"name": "A", "schedule": "not json"}""", "schedule")]
    [InlineData("""{"name": "A", "subservices": [424242]}""", "subservices[0]")]
    [InlineData("""{"name": "A", "subservices": "1,2"}""", "subservices")]
    [InlineData("""{"name": "A", "links": {"424242": {"1": 1}}}""", "links.424242")]
    public async Task CreateWithABadFieldIsRefusedNamingIt(string body, string field)
    {
        var tenant = await SignUpAsync();

        var refused = await tenant.SendAsync(HttpMethod.Post, "/api/v2/service", body);

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith(field + ":", refused.StatusDescriptions);
        Assert.Empty((await tenant.GetAsync("/api/v2/service")).Data.EnumerateArray());
    }

    [Fact]
    public async Task ScheduleIsStoredInItsNormalizedForm()
    {
        var tenant = await SignUpAsync();

        var service = (await tenant.PostJsonAsync("/api/v2/service", new { name = "Event", set_schedule = 1, schedule = WeekdayMornings })).Data;

        Assert.True(service.GetProperty("set_schedule").GetBoolean());
        Assert.Equal(
            """[{"repeat":1,"start_date":"01/06/2031","start_time":{"hour":9,"min":0,"am":"am"},"end_date":"01/12/2031","end_time":{"hour":12,"min":30,"am":"pm"},"days":{"1":1,"2":1,"3":1,"4":1,"5":1}}]""",
            service.GetProperty("schedule").GetRawText());
    }

    [Fact]
    public async Task SubServicesMustBeAddOnsOfTheAccountAndGoWhenTheAddOnIsDeleted()
    {
        var tenant = await SignUpAsync();
        var notAddOn = await tenant.CreateServiceAsync("Plain");
        var addOn = await tenant.CreateServiceAsync("Wash", 15, new { is_subservice = true });
        var id = await tenant.CreateServiceAsync("Cut", 30, new { subservices = new[] { addOn } });

        var refused = await tenant.PutJsonAsync($"/api/v2/service/{id}", new { subservices = new[] { addOn, notAddOn } });
        var self = await tenant.PutJsonAsync($"/api/v2/service/{id}", new { subservices = new[] { id } });

        Assert.StartsWith("subservices[1]:", refused.StatusDescriptions);
        Assert.StartsWith("subservices[0]:", self.StatusDescriptions);
        Assert.Equal([addOn], (await tenant.GetAsync($"/api/v2/service/{id}")).Data[0].GetProperty("subservices").EnumerateArray().Select(s => s.GetInt64()));

        Assert.Equal(0, (await tenant.DeleteAsync($"/api/v2/service/{addOn}")).StatusCode);

        Assert.Empty((await tenant.GetAsync($"/api/v2/service/{id}")).Data[0].GetProperty("subservices").EnumerateArray());
        Assert.Equal([notAddOn, id], (await tenant.GetAsync("/api/v2/service")).Ids());
    }

    [Fact]
    public async Task UpdateChangesTheGivenFieldsAndClearsADateWithAnEmptyString()
    {
        var tenant = await SignUpAsync();
        var id = await tenant.CreateServiceAsync("Cut", 30, new { active_until = "2031-12-31", description = "Short" });

        var updated = (await tenant.PutJsonAsync($"/api/v2/service/{id}", new { duration = "45", active_until = "" })).Data;

        Assert.Equal(("Cut", 45, "Short", JsonValueKind.Null), (updated.GetProperty("name").GetString(), updated.GetProperty("duration").GetInt32(), updated.GetProperty("description").GetString(), updated.GetProperty("active_until").ValueKind));
        var refused = await tenant.PutJsonAsync($"/api/v2/service/{id}", new { set_schedule = true });
        Assert.StartsWith("schedule:", refused.StatusDescriptions);
    }

    [Fact]
    public async Task ListFiltersByTheReferenceFieldsActiveServicesAndPages()
    {
        var tenant = await SignUpAsync();
        var cut = await tenant.CreateServiceAsync("Cut", 30);
        var long_ = await tenant.CreateServiceAsync("Long", 90, new { auto_confirm = true });
        var off = await tenant.CreateServiceAsync("Off", 30, new { status = 0 });
        var expired = await tenant.CreateServiceAsync("Expired", 30, new { active_until = "2001-01-01" });
        var future = await tenant.CreateServiceAsync("Future", 30, new { active_from = "2999-01-01" });
        var addOn = await tenant.CreateServiceAsync("Wash", 15, new { is_subservice = 1 });

        Assert.Equal([cut, off, expired, future], (await tenant.GetAsync("/api/v2/service?duration=30")).Ids());
        Assert.Equal([long_], (await tenant.GetAsync("/api/v2/service?auto_confirm=1")).Ids());
        Assert.Equal([addOn], (await tenant.GetAsync("/api/v2/service?is_subservice=true")).Ids());
        Assert.Equal([off], (await tenant.GetAsync("/api/v2/service?status=0")).Ids());
        Assert.Equal([cut, long_, addOn], (await tenant.GetAsync("/api/v2/service?active_services=1")).Ids());
        Assert.Equal([long_, off], (await tenant.GetAsync("/api/v2/service?start=1&end=3")).Ids());
        Assert.Equal([future], (await tenant.GetAsync($"/api/v2/service?id={future}")).Ids());
        var bad = await tenant.GetAsync("/api/v2/service?duration=half");
        Assert.Equal((400, 1), (bad.HttpStatus, bad.StatusCode));
        Assert.StartsWith("duration:", bad.StatusDescriptions);
    }

    [Fact]
    public async Task PhotoAndOrderWorkLikeTheOtherCatalogEntities()
    {
        var tenant = await SignUpAsync();
        var a = await tenant.CreateServiceAsync("A");
        var b = await tenant.CreateServiceAsync("B");

        var uploaded = await tenant.UploadAsync($"/api/v2/service/uploadPhoto?service={b}", CatalogTestData.Png);
        var url = uploaded.Data.GetProperty("file_location").GetString()!;
        var moved = await tenant.PostJsonAsync("/api/v2/service/updateOrder", new { data = new[] { new { id = b, ord = 0 }, new { id = a, ord = 1 } } });
        var list = await tenant.GetAsync("/api/v2/service");

        Assert.Equal(0, moved.StatusCode);
        Assert.Equal([b, a], list.Ids());
        Assert.Equal(url, list.Data[0].GetProperty("photo").GetString());
        Assert.Equal(0, list.Data[0].GetProperty("ord").GetInt32());

        var removed = await tenant.PostJsonAsync($"/api/v2/service/removePhoto?service={b}", new { file_name = "avatar.png" });
        var deleted = await tenant.DeleteAsync($"/api/v2/service/{b}");

        Assert.Equal((0, 0), (removed.StatusCode, deleted.StatusCode));
        Assert.Equal(HttpStatusCode.NotFound, (await Anonymous.GetAsync(url)).StatusCode);
        Assert.Equal([a], (await tenant.GetAsync("/api/v2/service")).Ids());
        var gone = await tenant.GetAsync($"/api/v2/service/{b}");
        Assert.Equal((404, 7), (gone.HttpStatus, gone.StatusCode));
    }

    [Fact]
    public async Task AnotherTenantCannotReachTheServiceByAnyRoute()
    {
        var owner = await SignUpAsync("owner");
        var other = await SignUpAsync("other");
        var id = await owner.CreateServiceAsync("Private");
        var addOn = await owner.CreateServiceAsync("Wash", 15, new { is_subservice = 1 });

        Envelope[] attempts =
        [
            await other.GetAsync($"/api/v2/service/{id}"),
            await other.PutJsonAsync($"/api/v2/service/{id}", new { name = "Taken" }),
            await other.UploadAsync($"/api/v2/service/uploadPhoto?service={id}", CatalogTestData.Png),
            await other.PostJsonAsync($"/api/v2/service/removePhoto?service={id}", new { file_name = "avatar.png" }),
            await other.PostJsonAsync("/api/v2/service/updateOrder", new[] { new { id, ord = 0 } }),
            await other.DeleteAsync($"/api/v2/service/{id}"),
        ];
        var borrowed = await other.PostJsonAsync("/api/v2/service", new { name = "Mine", subservices = new[] { addOn } });

        Assert.All(attempts, a => Assert.Equal((404, 7, true), (a.HttpStatus, a.StatusCode, a.Data.ValueKind == JsonValueKind.Null)));
        Assert.StartsWith("subservices[0]:", borrowed.StatusDescriptions);
        Assert.Empty((await other.GetAsync("/api/v2/service")).Data.EnumerateArray());
        Assert.Equal("Private", (await owner.GetAsync($"/api/v2/service/{id}")).Data[0].GetProperty("name").GetString());
    }
}

public sealed class ServicesApiMemoryTests(MemoryApiStorage storage) : ServicesApiTests<MemoryApiStorage>(storage);

public sealed class ServicesApiPostgresTests(PostgresApiStorage storage) : ServicesApiTests<PostgresApiStorage>(storage);
