using System.Net;
using System.Net.Http.Json;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Locations;

public abstract class LocationsApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    [Fact]
    public async Task CreatedLocationIsReadBackAsAOneElementListWithEveryField()
    {
        var tenant = await SignUpAsync();

        var created = await tenant.PostJsonAsync("/api/v2/location", new { name = "Spa center", city = "New York", @virtual = 0, lat = "40.7", lng = -74.0 });
        var id = created.Data[0].GetProperty("id").GetInt64();
        var read = await tenant.GetAsync($"/api/v2/location/{id}");

        Assert.Equal((200, 0), (created.HttpStatus, created.StatusCode));
        var location = Assert.Single(read.Data.EnumerateArray());
        Assert.Equal("Spa center", location.GetProperty("name").GetString());
        Assert.Equal("New York", location.GetProperty("city").GetString());
        Assert.Equal(tenant.CompanyId, location.GetProperty("company_id").GetInt64());
        Assert.Equal(553, location.GetProperty("timezone_id").GetInt32());
        Assert.Equal(40.7m, location.GetProperty("lat").GetDecimal());
        Assert.True(location.GetProperty("is_main").GetBoolean());
        Assert.False(location.GetProperty("virtual").GetBoolean());
        Assert.Equal(0, location.GetProperty("ord").GetInt32());
        Assert.Equal(string.Empty, location.GetProperty("street1").GetString());
        Assert.Empty(location.GetProperty("links").EnumerateObject());
    }

    [Fact]
    public async Task CreateAcceptsTheQueryStringAWrappedJsonBodyAndAFormBody()
    {
        var tenant = await SignUpAsync();

        var query = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/location?name=Query&virtual=1", null));
        var wrapped = await tenant.PostJsonAsync("/api/v2/location", new { data = new { name = "Wrapped", timezone_id = "2" } });
        var form = await tenant.PostFormAsync("/api/v2/location", new { name = "Form", zip = 10501 });

        Assert.True(query.Data[0].GetProperty("virtual").GetBoolean());
        Assert.Equal(2, wrapped.Data[0].GetProperty("timezone_id").GetInt32());
        Assert.Equal("10501", form.Data[0].GetProperty("zip").GetString());
        var names = (await tenant.GetAsync("/api/v2/location")).Data.EnumerateArray().Select(l => l.GetProperty("name").GetString());
        Assert.Equal(["Query", "Wrapped", "Form"], names);
    }

    [Theory]
    [InlineData("""{"city": "Nowhere"}""", "name")]
    [InlineData("""{"name": "   "}""", "name")]
    [InlineData("""{"name": "A", "email": "not-an-email"}""", "email")]
    [InlineData("""{"name": "A", "timezone_id": 999999}""", "timezone_id")]
    [InlineData("""{"name": "A", "timezone_id": "pacific"}""", "timezone_id")]
    [InlineData("""{"name": "A", "lat": 91}""", "lat")]
    [InlineData("""{"name": "A", "lng": "east"}""", "lng")]
    [InlineData("""{"name": "A", "virtual": "maybe"}""", "virtual")]
    [InlineData("""{"name": "A", "links": {"12345": [1]}}""", "links.12345")]
    [InlineData("""{"name": "A", "links": 7}""", "links")]
    [InlineData("""{"name": "A", """, "body")]
    public async Task CreateWithABadFieldIsRefusedNamingIt(string body, string field)
    {
        var tenant = await SignUpAsync();

        var refused = await tenant.SendAsync(HttpMethod.Post, "/api/v2/location", body);

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith(field + ":", refused.StatusDescriptions);
        Assert.Empty((await tenant.GetAsync("/api/v2/location")).Data.EnumerateArray());
    }

    [Fact]
    public async Task OversizedTextIsRefusedNamingTheField()
    {
        var tenant = await SignUpAsync();

        var refused = await tenant.PostJsonAsync("/api/v2/location", new { name = new string('x', 129) });

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith("name:", refused.StatusDescriptions);
    }

    [Fact]
    public async Task UpdateChangesOnlyTheGivenFields()
    {
        var tenant = await SignUpAsync();
        var id = (await tenant.PostJsonAsync("/api/v2/location", new { name = "Old", city = "Paris", phone = "123" })).Data[0].GetProperty("id").GetInt64();

        var updated = await tenant.PutJsonAsync($"/api/v2/location/{id}", new { name = "New", timezone_id = 2 });
        var blanked = await tenant.PutJsonAsync($"/api/v2/location/{id}", new { name = "" });

        var location = updated.Data[0];
        Assert.Equal(("New", "Paris", "123", 2), (location.GetProperty("name").GetString(), location.GetProperty("city").GetString(), location.GetProperty("phone").GetString(), location.GetProperty("timezone_id").GetInt32()));
        Assert.Equal((400, 1), (blanked.HttpStatus, blanked.StatusCode));
        Assert.StartsWith("name:", blanked.StatusDescriptions);
    }

    [Fact]
    public async Task ListFiltersByTheReferenceFieldsAndPages()
    {
        var tenant = await SignUpAsync();
        var paris = (await tenant.PostJsonAsync("/api/v2/location", new { name = "A", city = "Paris" })).Data[0].GetProperty("id").GetInt64();
        var rome = (await tenant.PostJsonAsync("/api/v2/location", new { name = "B", city = "Rome", @virtual = true })).Data[0].GetProperty("id").GetInt64();
        var paris2 = (await tenant.PostJsonAsync("/api/v2/location", new { name = "C", city = "paris" })).Data[0].GetProperty("id").GetInt64();

        Assert.Equal([paris, paris2], (await tenant.GetAsync("/api/v2/location?city=PARIS")).Ids());
        Assert.Equal([rome], (await tenant.GetAsync("/api/v2/location?virtual=1")).Ids());
        Assert.Equal([paris], (await tenant.GetAsync("/api/v2/location?is_main=true")).Ids());
        Assert.Equal([rome], (await tenant.GetAsync($"/api/v2/location?id={rome}")).Ids());
        Assert.Equal([rome, paris2], (await tenant.GetAsync("/api/v2/location?start=1&end=3")).Ids());
        Assert.Equal([paris, rome, paris2], (await tenant.GetAsync("/api/v2/location?end=all&city=")).Ids());
        Assert.Empty((await tenant.GetAsync("/api/v2/location?has_links=1")).Data.EnumerateArray());
        var refused = await tenant.GetAsync("/api/v2/location?virtual=perhaps");
        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith("virtual:", refused.StatusDescriptions);
    }

    [Fact]
    public async Task UpdateOrderMovesLocationsAndTheFirstIsTheMainOne()
    {
        var tenant = await SignUpAsync();
        var a = await tenant.CreateLocationAsync("A");
        var b = await tenant.CreateLocationAsync("B");
        var c = await tenant.CreateLocationAsync("C");

        var moved = await tenant.PostJsonAsync("/api/v2/location/updateOrder", new[] { new { id = c, ord = 0 } });
        var list = await tenant.GetAsync("/api/v2/location");

        Assert.Equal(0, moved.StatusCode);
        Assert.Equal([c, a, b], list.Ids());
        Assert.Equal([0, 1, 2], list.Data.EnumerateArray().Select(l => l.GetProperty("ord").GetInt32()));
        Assert.Equal([true, false, false], list.Data.EnumerateArray().Select(l => l.GetProperty("is_main").GetBoolean()));

        var unknown = await tenant.PostJsonAsync("/api/v2/location/updateOrder", new[] { new { id = 424242, ord = 0 } });
        var malformed = await tenant.PostJsonAsync("/api/v2/location/updateOrder", new[] { new { id = a, ord = "first" } });
        var notAList = await tenant.PostJsonAsync("/api/v2/location/updateOrder", new { id = a, ord = 1 });
        Assert.Equal((404, 7), (unknown.HttpStatus, unknown.StatusCode));
        Assert.Equal((400, 1, true), (malformed.HttpStatus, malformed.StatusCode, malformed.StatusDescriptions.StartsWith("body[0].ord:", StringComparison.Ordinal)));
        Assert.Equal((400, 1), (notAList.HttpStatus, notAList.StatusCode));
    }

    [Fact]
    public async Task DeletedLocationIsGoneAndTakesTheEmployeesHoursThereWithIt()
    {
        var tenant = await SignUpAsync();
        var kept = await tenant.CreateLocationAsync("Kept");
        var deleted = await tenant.CreateLocationAsync("Deleted");
        var employee = await tenant.CreateEmployeeAsync();
        var hours = await tenant.PutJsonAsync($"/api/v2/employee/{employee}/assignAvailability", new
        {
            availabilities = new object[]
            {
                new { repeat = 1, location_id = kept, days = new { mo = new { time = new[] { new[] { "09:00", "12:00" } } } } },
                new { repeat = 1, location_id = deleted, days = new { tu = new { time = new[] { new[] { "09:00", "12:00" } } } } },
            },
        });
        Assert.Equal(0, hours.StatusCode);

        var result = await tenant.DeleteAsync($"/api/v2/location/{deleted}");

        Assert.Equal((200, 0), (result.HttpStatus, result.StatusCode));
        var gone = await tenant.GetAsync($"/api/v2/location/{deleted}");
        Assert.Equal((404, 7), (gone.HttpStatus, gone.StatusCode));
        Assert.Equal([kept], (await tenant.GetAsync("/api/v2/location")).Ids());
        var left = (await tenant.GetAsync($"/api/v2/employee/getAvailabilityTime/{employee}")).Data.GetProperty("availabilities");
        Assert.Equal([kept], left.EnumerateArray().Select(a => a.GetProperty("location_id").GetInt64()));
        var again = await tenant.DeleteAsync($"/api/v2/location/{deleted}");
        Assert.Equal((404, 7), (again.HttpStatus, again.StatusCode));
    }

    [Fact]
    public async Task UploadedPhotoIsServedAndRemovingItDeletesTheImage()
    {
        var tenant = await SignUpAsync();
        var id = await tenant.CreateLocationAsync();

        var uploaded = await tenant.UploadAsync($"/api/v2/location/uploadPhoto?location={id}", CatalogTestData.Png);
        var url = uploaded.Data.GetProperty("file_location").GetString()!;
        var location = (await tenant.GetAsync($"/api/v2/location/{id}")).Data[0];
        var served = await Anonymous.GetAsync(url);

        Assert.Equal(0, uploaded.StatusCode);
        Assert.Equal("avatar.png", uploaded.Data.GetProperty("file_name").GetString());
        Assert.Equal(url, location.GetProperty("photo").GetString());
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(CatalogTestData.Png, await served.Content.ReadAsByteArrayAsync());

        var removed = await tenant.PostJsonAsync($"/api/v2/location/removePhoto?location={id}", new { file_name = "avatar.png" });

        Assert.Equal(0, removed.StatusCode);
        Assert.Equal(string.Empty, (await tenant.GetAsync($"/api/v2/location/{id}")).Data[0].GetProperty("photo").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Anonymous.GetAsync(url)).StatusCode);
        var again = await tenant.PostJsonAsync($"/api/v2/location/removePhoto?location={id}", new { file_name = "avatar.png" });
        Assert.Equal((404, 7), (again.HttpStatus, again.StatusCode));
    }

    [Fact]
    public async Task ReplacingAPhotoDeletesTheOldImage()
    {
        var tenant = await SignUpAsync();
        var id = await tenant.CreateLocationAsync();
        var first = (await tenant.UploadAsync($"/api/v2/location/uploadPhoto?location={id}", CatalogTestData.Png, "first.png")).Data.GetProperty("file_location").GetString()!;

        var second = await tenant.UploadAsync($"/api/v2/location/uploadPhoto?location={id}", CatalogTestData.Png, "second.png");

        Assert.Equal(HttpStatusCode.NotFound, (await Anonymous.GetAsync(first)).StatusCode);
        Assert.Equal(second.Data.GetProperty("file_location").GetString(), (await tenant.GetAsync($"/api/v2/location/{id}")).Data[0].GetProperty("photo").GetString());
    }

    [Fact]
    public async Task SettingThePhotoFieldToAnotherUrlDeletesTheUploadedImage()
    {
        var tenant = await SignUpAsync();
        var id = await tenant.CreateLocationAsync();
        var uploaded = (await tenant.UploadAsync($"/api/v2/location/uploadPhoto?location={id}", CatalogTestData.Png)).Data.GetProperty("file_location").GetString()!;

        var updated = await tenant.PutJsonAsync($"/api/v2/location/{id}", new { photo = "https://cdn.example.test/front.jpg" });

        Assert.Equal("https://cdn.example.test/front.jpg", updated.Data[0].GetProperty("photo").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await Anonymous.GetAsync(uploaded)).StatusCode);
        var removed = await tenant.PostJsonAsync($"/api/v2/location/removePhoto?location={id}", new { file_name = "https://cdn.example.test/front.jpg" });
        Assert.Equal(0, removed.StatusCode);
        Assert.Equal(string.Empty, (await tenant.GetAsync($"/api/v2/location/{id}")).Data[0].GetProperty("photo").GetString());
    }

    [Fact]
    public async Task AParentSessionManagesItsSubAccountsLocationsApart()
    {
        var parent = await SignUpAsync("parent");
        var childId = await CreateSubAccountAsync(parent);

        var created = await parent.PostJsonAsync("/api/v2/location", new { company_id = childId, name = "Child branch" });
        var id = created.Data[0].GetProperty("id").GetInt64();

        Assert.Equal(childId, created.Data[0].GetProperty("company_id").GetInt64());
        Assert.Equal([id], (await parent.GetAsync($"/api/v2/location?company_id={childId}")).Ids());
        Assert.Empty((await parent.GetAsync("/api/v2/location")).Data.EnumerateArray());
        var fromParent = await parent.GetAsync($"/api/v2/location/{id}");
        Assert.Equal((404, 7), (fromParent.HttpStatus, fromParent.StatusCode));
    }

    [Fact]
    public async Task PhotoRequestsWithoutALocationOrAnImageAreRefusedNamingTheField()
    {
        var tenant = await SignUpAsync();
        var id = await tenant.CreateLocationAsync();

        var noLocation = await tenant.UploadAsync("/api/v2/location/uploadPhoto", CatalogTestData.Png);
        var notImage = await tenant.UploadAsync($"/api/v2/location/uploadPhoto?location={id}", "plain text"u8.ToArray());
        var noFileName = await tenant.PostJsonAsync($"/api/v2/location/removePhoto?location={id}", new { });

        Assert.StartsWith("location:", noLocation.StatusDescriptions);
        Assert.Equal((400, 1), (notImage.HttpStatus, notImage.StatusCode));
        Assert.StartsWith("file:", notImage.StatusDescriptions);
        Assert.StartsWith("file_name:", noFileName.StatusDescriptions);
    }

    [Fact]
    public async Task PathsIgnoreCaseAndATrailingSlashAndBadIdsAreRefused()
    {
        var tenant = await SignUpAsync();
        var id = await tenant.CreateLocationAsync();

        Assert.Equal([id], (await tenant.GetAsync("/api/v2/LOCATION/")).Ids());
        Assert.Equal([id], (await tenant.GetAsync($"/api/v2/Location/{id}/")).Ids());
        var notANumber = await tenant.GetAsync("/api/v2/location/abc");
        var unknown = await tenant.GetAsync("/api/v2/location/987654321");
        Assert.Equal((400, 1), (notANumber.HttpStatus, notANumber.StatusCode));
        Assert.StartsWith("id:", notANumber.StatusDescriptions);
        Assert.Equal((404, 7), (unknown.HttpStatus, unknown.StatusCode));
    }

    [Fact]
    public async Task AnotherTenantCannotReachTheLocationByAnyRoute()
    {
        var owner = await SignUpAsync("owner");
        var other = await SignUpAsync("other");
        var id = await owner.CreateLocationAsync("Private");
        var otherEmployee = await other.CreateEmployeeAsync();
        var otherService = await other.CreateServiceAsync();

        Envelope[] attempts =
        [
            await other.GetAsync($"/api/v2/location/{id}"),
            await other.PutJsonAsync($"/api/v2/location/{id}", new { name = "Taken" }),
            await other.PostJsonAsync($"/api/v2/location/assignServices?location_id={id}", new Dictionary<string, long[]> { [otherEmployee.ToString()] = [otherService] }),
            await other.UploadAsync($"/api/v2/location/uploadPhoto?location={id}", CatalogTestData.Png),
            await other.PostJsonAsync($"/api/v2/location/removePhoto?location={id}", new { file_name = "avatar.png" }),
            await other.PostJsonAsync("/api/v2/location/updateOrder", new[] { new { id, ord = 0 } }),
            await other.GetAsync($"/api/v2/service?location_id={id}"),
            await other.DeleteAsync($"/api/v2/location/{id}"),
        ];

        Assert.All(attempts, a => Assert.Equal((404, 7, true), (a.HttpStatus, a.StatusCode, a.Data.ValueKind == System.Text.Json.JsonValueKind.Null)));
        Assert.Empty((await other.GetAsync("/api/v2/location")).Data.EnumerateArray());
        Assert.Empty((await other.GetAsync($"/api/v2/location?id={id}")).Data.EnumerateArray());
        var intact = (await owner.GetAsync($"/api/v2/location/{id}")).Data[0];
        Assert.Equal("Private", intact.GetProperty("name").GetString());
        Assert.Equal(string.Empty, intact.GetProperty("photo").GetString());
        Assert.Empty(intact.GetProperty("links").EnumerateObject());
    }
}

public sealed class LocationsApiMemoryTests(MemoryApiStorage storage) : LocationsApiTests<MemoryApiStorage>(storage);

public sealed class LocationsApiPostgresTests(PostgresApiStorage storage) : LocationsApiTests<PostgresApiStorage>(storage);
