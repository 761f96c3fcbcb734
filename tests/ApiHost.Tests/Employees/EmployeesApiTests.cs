using System.Collections.Immutable;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.ApiHost.Tests.Locations;
using Scheduling.Contracts.Accounts;
using Orleans;
using Orleans.Runtime;
using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Tests.Employees;

public abstract class EmployeesApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    private static readonly object Week = new
    {
        mo = new { time = new[] { new[] { "09:00", "12:00" }, new[] { "13:00", "17:00" } } },
        fr = new { time = new[] { new[] { "10:00", "14:00" } } },
    };

    [Fact]
    public async Task CreatedEmployeeIsActiveAndReadBackAsAOneElementListWithoutItsPassword()
    {
        var tenant = await SignUpAsync();

        var created = await tenant.PostJsonAsync("/api/v2/employee", new
        {
            first_name = "John", last_name = "Doe", email = "John@Example.test", job = "Accountant", password = "long enough secret", ics_service = "2",
        });
        var id = created.Data[0].GetProperty("id").GetInt64();
        var employee = Assert.Single((await tenant.GetAsync($"/api/v2/employee/{id}")).Data.EnumerateArray());

        Assert.Equal((200, 0), (created.HttpStatus, created.StatusCode));
        Assert.Equal(("John", "Doe", "John@Example.test", "Accountant"), (employee.GetProperty("first_name").GetString(), employee.GetProperty("last_name").GetString(), employee.GetProperty("email").GetString(), employee.GetProperty("job").GetString()));
        Assert.Equal(tenant.CompanyId, employee.GetProperty("company_id").GetInt64());
        Assert.True(employee.GetProperty("status").GetBoolean());
        Assert.False(employee.GetProperty("is_owner").GetBoolean());
        Assert.Equal(2, employee.GetProperty("ics_service").GetInt32());
        Assert.Equal(1, employee.GetProperty("can_login").GetInt32());
        Assert.Equal(0, employee.GetProperty("ord").GetInt32());
        Assert.False(employee.TryGetProperty("password", out _));
        Assert.DoesNotContain("long enough secret", employee.GetRawText());
    }

    [Theory]
    [InlineData("""{"last_name": "Doe", "email": "a@b.test"}""", "first_name")]
    [InlineData("""{"first_name": "J", "email": "a@b.test"}""", "last_name")]
    [InlineData("""{"first_name": "J", "last_name": "Doe"}""", "email")]
    [InlineData("""{"first_name": "J", "last_name": "Doe", "email": "nope"}""", "email")]
    [InlineData("""{"first_name": "J", "last_name": "Doe", "email": "a@b.test", "ics_service": 7}""", "ics_service")]
    [InlineData("""{"first_name": "J", "last_name": "Doe", "email": "a@b.test", "status": "sometimes"}""", "status")]
    [InlineData("""{"first_name": "J", "last_name": "Doe", "email": "a@b.test", "password": "short"}""", "password")]
    [InlineData("""{"first_name": "J", "last_name": "Doe", "email": "a@b.test", "nickname": "has space"}""", "nickname")]
    [InlineData("""{"first_name": "J", "last_name": "Doe", "email": "a@b.test", "ipp_mode": [1]}""", "ipp_mode")]
    [InlineData("""{"first_name": "J", "last_name": "Doe", "email": "a@b.test", "links": {"1": [2]}}""", "links.1")]
    public async Task CreateWithABadFieldIsRefusedNamingIt(string body, string field)
    {
        var tenant = await SignUpAsync();

        var refused = await tenant.SendAsync(HttpMethod.Post, "/api/v2/employee", body);

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith(field + ":", refused.StatusDescriptions);
        Assert.Empty((await tenant.GetAsync("/api/v2/employee?statuses=all")).Data.EnumerateArray());
    }

    [Fact]
    public async Task AnEmailIsUniqueWithinTheAccountOnly()
    {
        var tenant = await SignUpAsync();
        var other = await SignUpAsync();
        await tenant.PostJsonAsync("/api/v2/employee", new { first_name = "A", last_name = "B", email = "same@example.test" });
        var second = await tenant.PostJsonAsync("/api/v2/employee", new { first_name = "C", last_name = "D", email = "SAME@example.test" });
        var elsewhere = await other.PostJsonAsync("/api/v2/employee", new { first_name = "C", last_name = "D", email = "same@example.test" });

        Assert.Equal((400, 1), (second.HttpStatus, second.StatusCode));
        Assert.StartsWith("email:", second.StatusDescriptions);
        Assert.Equal(0, elsewhere.StatusCode);
    }

    [Fact]
    public async Task NicknamesAreUniqueAcrossAccountsAndFreedWhenChangedOrDeleted()
    {
        var tenant = await SignUpAsync();
        var other = await SignUpAsync();
        var nick = $"nick_{Guid.NewGuid():N}"[..20];

        Assert.True((await tenant.GetAsync($"/api/v2/employee/checknickname/{nick}")).Data.GetProperty("available").GetBoolean());
        var id = (await tenant.PostJsonAsync("/api/v2/employee", new { first_name = "A", last_name = "B", email = "a@example.test", nickname = nick })).Data[0].GetProperty("id").GetInt64();
        var taken = await other.PostJsonAsync("/api/v2/employee", new { first_name = "C", last_name = "D", email = "c@example.test", nickname = nick.ToUpperInvariant() });

        Assert.False((await other.GetAsync($"/api/v2/employee/checknickname/{nick}")).Data.GetProperty("available").GetBoolean());
        Assert.Equal((400, 1), (taken.HttpStatus, taken.StatusCode));
        Assert.StartsWith("nickname:", taken.StatusDescriptions);

        Assert.Equal(0, (await tenant.PutJsonAsync($"/api/v2/employee/{id}", new { nickname = nick + ".x" })).StatusCode);
        Assert.True((await tenant.GetAsync($"/api/v2/employee/checknickname/{nick}")).Data.GetProperty("available").GetBoolean());
        Assert.False((await tenant.GetAsync($"/api/v2/employee/checknickname/{nick}.x")).Data.GetProperty("available").GetBoolean());

        Assert.Equal(0, (await tenant.DeleteAsync($"/api/v2/employee/{id}")).StatusCode);
        Assert.True((await tenant.GetAsync($"/api/v2/employee/checknickname/{nick}.x")).Data.GetProperty("available").GetBoolean());
        var invalid = await tenant.GetAsync("/api/v2/employee/checknickname/a!");
        Assert.Equal((400, 1), (invalid.HttpStatus, invalid.StatusCode));
    }

    [Fact]
    public async Task ListShowsActiveEmployeesUnlessStatusesIsAllAndFiltersByFields()
    {
        var tenant = await SignUpAsync();
        var active = await tenant.CreateEmployeeAsync("Ann");
        var inactive = await tenant.CreateEmployeeAsync("Bob", active: false);
        var third = (await tenant.PostJsonAsync("/api/v2/employee", new { first_name = "Cy", last_name = "Lee", email = "cy@example.test", job = "Stylist" })).Data[0].GetProperty("id").GetInt64();

        Assert.Equal([active, third], (await tenant.GetAsync("/api/v2/employee")).Ids());
        Assert.Equal([active, inactive, third], (await tenant.GetAsync("/api/v2/employee?statuses=all")).Ids());
        Assert.Equal([inactive], (await tenant.GetAsync("/api/v2/employee?status=0")).Ids());
        Assert.Equal([third], (await tenant.GetAsync("/api/v2/employee?job=stylist")).Ids());
        Assert.Equal([third], (await tenant.GetAsync($"/api/v2/employee?id={third}")).Ids());
        Assert.Equal([inactive], (await tenant.GetAsync("/api/v2/employee?statuses=all&start=1&end=2")).Ids());
        var bad = await tenant.GetAsync("/api/v2/employee?statuses=some");
        Assert.Equal((400, 1), (bad.HttpStatus, bad.StatusCode));
        Assert.StartsWith("statuses:", bad.StatusDescriptions);
    }

    [Fact]
    public async Task TheProviderLicenceCapsActiveEmployees()
    {
        var tenant = await SignUpAsync();
        var grains = Factory.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IAccountGrain>(tenant.CompanyId).UpdateAsync(AccountPart.Profile,
            ImmutableDictionary<string, JsonElement>.Empty.Add("max_providers", JsonSerializer.SerializeToElement(1)));
        await tenant.CreateEmployeeAsync("Ann");

        var second = await tenant.PostJsonAsync("/api/v2/employee", new { first_name = "Bob", last_name = "B", email = "bob@example.test" });
        var receptionist = await tenant.CreateEmployeeAsync("Cy", active: false);
        var activated = await tenant.PutJsonAsync($"/api/v2/employee/{receptionist}", new { status = 1 });

        Assert.Equal((403, 11), (second.HttpStatus, second.StatusCode));
        Assert.Equal((403, 11), (activated.HttpStatus, activated.StatusCode));
        Assert.Single((await tenant.GetAsync("/api/v2/employee")).Data.EnumerateArray());
    }

    [Fact]
    public async Task UpdateChangesTheGivenFieldsAndDeleteRemovesTheEmployee()
    {
        var tenant = await SignUpAsync();
        var id = await tenant.CreateEmployeeAsync("Ann");

        var updated = (await tenant.PutJsonAsync($"/api/v2/employee/{id}", new { data = new { job = "Colorist", public_email = "1" } })).Data[0];
        var blank = await tenant.PutJsonAsync($"/api/v2/employee/{id}", new { last_name = "" });
        var deleted = await tenant.DeleteAsync($"/api/v2/employee/{id}");
        var gone = await tenant.GetAsync($"/api/v2/employee/{id}");

        Assert.Equal(("Ann", "Colorist", true), (updated.GetProperty("first_name").GetString(), updated.GetProperty("job").GetString(), updated.GetProperty("public_email").GetBoolean()));
        Assert.StartsWith("last_name:", blank.StatusDescriptions);
        Assert.Equal((200, 0), (deleted.HttpStatus, deleted.StatusCode));
        Assert.Equal((404, 7), (gone.HttpStatus, gone.StatusCode));
        Assert.Empty((await tenant.GetAsync("/api/v2/employee?statuses=all")).Data.EnumerateArray());
    }

    [Fact]
    public async Task AssignedAvailabilityIsReadBackNormalizedForOneAndForAllEmployees()
    {
        var tenant = await SignUpAsync();
        var location = await tenant.CreateLocationAsync();
        var ann = await tenant.CreateEmployeeAsync("Ann");
        var bob = await tenant.CreateEmployeeAsync("Bob");

        var assigned = await tenant.PutJsonAsync($"/api/v2/employee/{ann}/assignAvailability", new
        {
            company_id = tenant.CompanyId,
            availabilities = new object[]
            {
                new { repeat = 1, type = 0, start_date = "12/01/2030", end_date = "12/31/2031", location_id = location, days = Week },
                new { repeat = "2", type = "1", start_date = "7/1/2031", end_date = "7/14/2031" },
            },
        });
        var one = await tenant.GetAsync($"/api/v2/employee/getAvailabilityTime/{ann}");
        var all = await tenant.GetAsync("/api/v2/employee/getAvailabilityTime");

        Assert.Equal((200, 0), (assigned.HttpStatus, assigned.StatusCode));
        var availabilities = one.Data.GetProperty("availabilities");
        Assert.Equal(2, availabilities.GetArrayLength());
        var weekly = availabilities[0];
        Assert.Equal((1, 0, "12/1/2030", "12/31/2031", location), (weekly.GetProperty("repeat").GetInt32(), weekly.GetProperty("type").GetInt32(), weekly.GetProperty("start_date").GetString(), weekly.GetProperty("end_date").GetString(), weekly.GetProperty("location_id").GetInt64()));
        Assert.Equal("""{"mo":{"time":[["09:00","12:00"],["13:00","17:00"]]},"fr":{"time":[["10:00","14:00"]]}}""", weekly.GetProperty("days").GetRawText());
        Assert.Equal(0, availabilities[1].GetProperty("location_id").GetInt64());
        Assert.Equal([ann, bob], all.Data.EnumerateArray().Select(e => e.GetProperty("employee_id").GetInt64()));
        Assert.Equal(2, all.Data[0].GetProperty("availabilities").GetArrayLength());
        Assert.Equal(0, all.Data[1].GetProperty("availabilities").GetArrayLength());
    }

    [Fact]
    public async Task AvailabilityArrivesAsAFormFieldToo()
    {
        var tenant = await SignUpAsync();
        var ann = await tenant.CreateEmployeeAsync("Ann");
        var availabilities = JsonSerializer.Serialize(new[] { new { repeat = 1, days = Week } });

        var response = await tenant.Client.PutAsync($"/api/v2/employee/{ann}/assignAvailability",
            new FormUrlEncodedContent([new("availabilities", availabilities)]));

        Assert.Equal(0, (await Envelope.ReadAsync(response)).StatusCode);
        Assert.Single((await tenant.GetAsync($"/api/v2/employee/getAvailabilityTime/{ann}")).Data.GetProperty("availabilities").EnumerateArray());
    }

    [Fact]
    public async Task BadAvailabilityIsRefusedNamingThePlaceAndKeepsTheOldHours()
    {
        var tenant = await SignUpAsync();
        var stranger = await SignUpAsync();
        var foreignLocation = await stranger.CreateLocationAsync();
        var ann = await tenant.CreateEmployeeAsync("Ann");
        await tenant.PutJsonAsync($"/api/v2/employee/{ann}/assignAvailability", new { availabilities = new[] { new { repeat = 1, days = Week } } });

        Envelope[] refused =
        [
            await tenant.PutJsonAsync($"/api/v2/employee/{ann}/assignAvailability", new { }),
            await tenant.PutJsonAsync($"/api/v2/employee/{ann}/assignAvailability", new { availabilities = new[] { new { repeat = 1, location_id = foreignLocation, days = Week } } }),
            await tenant.PutJsonAsync($"/api/v2/employee/{ann}/assignAvailability", new { availabilities = new[] { new { repeat = 1, days = new { mo = new { time = new[] { new[] { "09:00", "12:00" }, new[] { "11:30", "13:00" } } } } } } }),
            await tenant.PutJsonAsync($"/api/v2/employee/{ann}/assignAvailability", new { availabilities = new[] { new { repeat = 1, days = new { mo = new { time = new[] { new[] { "9am", "12:00" } } } } } } }),
            await tenant.PutJsonAsync($"/api/v2/employee/{ann}/assignAvailability", new { availabilities = new[] { new { repeat = 2, start_date = "31/12/2031", end_date = "1/1/2032", days = Week } } }),
        ];

        Assert.All(refused, r => Assert.Equal((400, 1), (r.HttpStatus, r.StatusCode)));
        Assert.StartsWith("availabilities:", refused[0].StatusDescriptions);
        Assert.StartsWith("availabilities[0].location_id:", refused[1].StatusDescriptions);
        Assert.StartsWith("availabilities[0].days.mo.time:", refused[2].StatusDescriptions);
        Assert.StartsWith("availabilities[0].days.mo.time[0]:", refused[3].StatusDescriptions);
        Assert.StartsWith("availabilities[0].start_date:", refused[4].StatusDescriptions);
        var kept = (await tenant.GetAsync($"/api/v2/employee/getAvailabilityTime/{ann}")).Data.GetProperty("availabilities");
        Assert.Equal(0, Assert.Single(kept.EnumerateArray()).GetProperty("location_id").GetInt64());
    }

    [Fact]
    public async Task UploadedPhotoBecomesThePhotoUrlAndCanBeRemoved()
    {
        var tenant = await SignUpAsync();
        var id = await tenant.CreateEmployeeAsync();

        var uploaded = await tenant.UploadAsync($"/api/v2/employee/uploadPhoto?provider={id}", CatalogTestData.Png, "me.png");
        var url = uploaded.Data.GetProperty("file_location").GetString()!;

        Assert.Equal(url, (await tenant.GetAsync($"/api/v2/employee/{id}")).Data[0].GetProperty("photo_url").GetString());
        Assert.Equal(HttpStatusCode.OK, (await Anonymous.GetAsync(url)).StatusCode);

        var removed = await tenant.PostJsonAsync("/api/v2/employee/removePhoto", new { provider = id, file_name = url });

        Assert.Equal(0, removed.StatusCode);
        Assert.Equal(string.Empty, (await tenant.GetAsync($"/api/v2/employee/{id}")).Data[0].GetProperty("photo_url").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Anonymous.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task UpdateOrderReordersTheList()
    {
        var tenant = await SignUpAsync();
        var a = await tenant.CreateEmployeeAsync("Ann");
        var b = await tenant.CreateEmployeeAsync("Bob");

        var moved = await tenant.PostFormAsync("/api/v2/employee/updateOrder", new[] { new { id = b, ord = "0" } });

        Assert.Equal(0, moved.StatusCode);
        Assert.Equal([b, a], (await tenant.GetAsync("/api/v2/employee")).Ids());
    }

    [Fact]
    public async Task AnotherTenantCannotReachTheEmployeeByAnyRoute()
    {
        var owner = await SignUpAsync("owner");
        var other = await SignUpAsync("other");
        var id = await owner.CreateEmployeeAsync("Private");
        await owner.PutJsonAsync($"/api/v2/employee/{id}/assignAvailability", new { availabilities = new[] { new { repeat = 1, days = Week } } });
        var otherLocation = await other.CreateLocationAsync();

        Envelope[] attempts =
        [
            await other.GetAsync($"/api/v2/employee/{id}"),
            await other.PutJsonAsync($"/api/v2/employee/{id}", new { first_name = "Taken" }),
            await other.PutJsonAsync($"/api/v2/employee/{id}/assignAvailability", new { availabilities = Array.Empty<object>() }),
            await other.GetAsync($"/api/v2/employee/getAvailabilityTime/{id}"),
            await other.PostJsonAsync($"/api/v2/employee/assignServices?employee_id={id}", new Dictionary<string, long[]> { [$"{otherLocation}"] = [] }),
            await other.UploadAsync($"/api/v2/employee/uploadPhoto?provider={id}", CatalogTestData.Png),
            await other.PostJsonAsync($"/api/v2/employee/removePhoto?provider={id}", new { file_name = "avatar.png" }),
            await other.PostJsonAsync("/api/v2/employee/updateOrder", new[] { new { id, ord = 0 } }),
            await other.DeleteAsync($"/api/v2/employee/{id}"),
        ];

        Assert.All(attempts, a => Assert.Equal((404, 7, true), (a.HttpStatus, a.StatusCode, a.Data.ValueKind == JsonValueKind.Null)));
        Assert.Empty((await other.GetAsync("/api/v2/employee?statuses=all")).Data.EnumerateArray());
        Assert.Empty((await other.GetAsync("/api/v2/employee/getAvailabilityTime")).Data.EnumerateArray());
        Assert.Equal("Private", (await owner.GetAsync($"/api/v2/employee/{id}")).Data[0].GetProperty("first_name").GetString());
        Assert.Single((await owner.GetAsync($"/api/v2/employee/getAvailabilityTime/{id}")).Data.GetProperty("availabilities").EnumerateArray());
    }
}

public sealed class EmployeesApiMemoryTests(MemoryApiStorage storage) : EmployeesApiTests<MemoryApiStorage>(storage);

public sealed class EmployeesApiPostgresTests(PostgresApiStorage storage) : EmployeesApiTests<PostgresApiStorage>(storage);
