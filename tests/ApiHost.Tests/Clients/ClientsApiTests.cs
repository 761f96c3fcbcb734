using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.Grains.Clients;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Clients;

public abstract class ClientsApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2030, 1, 1, 9, 0, 0, TimeSpan.Zero));

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(_clock);

    [Fact]
    public async Task CreateAnswersTheClientWithEveryReferenceField()
    {
        var tenant = await SignUpAsync();

        var created = await tenant.PostJsonAsync("/api/v2/client", new { email = "ann@example.test", name = "Ann Lee", phone = "555-0100", gender = "F", accept_emails = true });

        Assert.Equal((200, 0), (created.HttpStatus, created.StatusCode));
        var client = created.Data;
        Assert.Equal(JsonValueKind.Number, client.GetProperty("client_id").ValueKind);
        Assert.Equal(tenant.CompanyId, client.GetProperty("company_id").GetInt64());
        Assert.Equal(0, client.GetProperty("employee_id").GetInt64());
        Assert.Equal(("ann@example.test", "Ann Lee", "555-0100", "f"),
            (client.GetProperty("email").GetString(), client.GetProperty("name").GetString(), client.GetProperty("phone").GetString(), client.GetProperty("gender").GetString()));
        Assert.True(client.GetProperty("accept_emails").GetBoolean());
        Assert.Equal(JsonValueKind.Null, client.GetProperty("last_app_date").ValueKind);
        Assert.Equal(JsonValueKind.Null, client.GetProperty("birthday").ValueKind);
        Assert.Equal("2030-01-01T09:00:00Z", client.GetProperty("date_created").GetString());
        Assert.Equal("2030-01-01", client.GetProperty("cient_since").GetString());
        Assert.Equal("2030-01-01", client.GetProperty("client_since").GetString());
        foreach (var field in new[] { "notes", "preferences", "address", "address2", "city", "state", "zip", "country", "photo" })
        {
            Assert.Equal(string.Empty, client.GetProperty(field).GetString());
        }
    }

    [Fact]
    public async Task CreateAcceptsAFormBodyWithLenientScalarsAndTheCorrectlySpelledClientSince()
    {
        var tenant = await SignUpAsync();

        var created = await tenant.PostFormAsync("/api/v2/client", new { email = "bo@example.test", name = "Bo", accept_emails = "1", birthday = "1990-4-5", client_since = "2019-8-24" });

        Assert.Equal(0, created.StatusCode);
        Assert.True(created.Data.GetProperty("accept_emails").GetBoolean());
        Assert.Equal("1990-04-05", created.Data.GetProperty("birthday").GetString());
        Assert.Equal("2019-08-24", created.Data.GetProperty("cient_since").GetString());
    }

    [Fact]
    public async Task CreateAcceptsTheDataWrapperAndQueryStringFields()
    {
        var tenant = await SignUpAsync();

        var wrapped = await tenant.PostJsonAsync("/api/v2/client", new { data = new { email = "cy@example.test", name = "Cy" } });
        var query = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/client?email=dee%40example.test&name=Dee", null));

        Assert.Equal("Cy", wrapped.Data.GetProperty("name").GetString());
        Assert.Equal("Dee", query.Data.GetProperty("name").GetString());
    }

    [Fact]
    public async Task GetAnswersTheClientAsAOneElementList()
    {
        var tenant = await SignUpAsync();
        var id = await CreateClientAsync(tenant, "eve@example.test", "Eve");

        var read = await tenant.GetAsync($"/api/v2/client/{id}");

        Assert.Equal(0, read.StatusCode);
        var client = Assert.Single(read.Data.EnumerateArray());
        Assert.Equal((id, "Eve"), (client.GetProperty("client_id").GetInt64(), client.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task PathsIgnoreCaseAndATrailingSlash()
    {
        var tenant = await SignUpAsync();
        var id = await CreateClientAsync(tenant, "fay@example.test", "Fay");

        Assert.Equal(0, (await tenant.GetAsync($"/api/v2/Client/{id}/")).StatusCode);
        Assert.Single((await tenant.GetAsync("/API/V2/CLIENT/")).Data.EnumerateArray());
    }

    [Fact]
    public async Task UpdateChangesOnlyTheGivenFields()
    {
        var tenant = await SignUpAsync();
        var id = await CreateClientAsync(tenant, "gus@example.test", "Gus", new { phone = "111", city = "Oslo" });

        var updated = await tenant.PutJsonAsync($"/api/v2/client/{id}", new { city = "Bergen", gender = "m", notes = "likes tea" });

        Assert.Equal(0, updated.StatusCode);
        var read = (await tenant.GetAsync($"/api/v2/client/{id}")).Data[0];
        Assert.Equal(("Gus", "gus@example.test", "111", "Bergen", "m", "likes tea"),
            (read.GetProperty("name").GetString(), read.GetProperty("email").GetString(), read.GetProperty("phone").GetString(),
             read.GetProperty("city").GetString(), read.GetProperty("gender").GetString(), read.GetProperty("notes").GetString()));
    }

    [Fact]
    public async Task AnEmptyGenderOrBirthdayClearsIt()
    {
        var tenant = await SignUpAsync();
        var id = await CreateClientAsync(tenant, "hal@example.test", "Hal", new { gender = "m", birthday = "1980-01-02" });

        var cleared = await tenant.PutJsonAsync($"/api/v2/client/{id}", new { gender = "", birthday = "" });

        Assert.Equal(JsonValueKind.Null, cleared.Data.GetProperty("gender").ValueKind);
        Assert.Equal(JsonValueKind.Null, cleared.Data.GetProperty("birthday").ValueKind);
    }

    [Fact]
    public async Task DeleteRemovesTheClient()
    {
        var tenant = await SignUpAsync();
        var id = await CreateClientAsync(tenant, "ivy@example.test", "Ivy");

        var deleted = await tenant.DeleteAsync($"/api/v2/client/{id}");

        Assert.Equal(0, deleted.StatusCode);
        Assert.Equal(JsonValueKind.Object, deleted.Data.ValueKind);
        Assert.Equal((404, 7), Status(await tenant.GetAsync($"/api/v2/client/{id}")));
        Assert.Equal((404, 7), Status(await tenant.DeleteAsync($"/api/v2/client/{id}")));
        Assert.Equal((404, 7), Status(await tenant.PutJsonAsync($"/api/v2/client/{id}", new { name = "Ghost" })));
    }

    [Fact]
    public async Task ASecondClientWithTheSameEmailInAnyCaseIsAConflictNamingEmail()
    {
        var tenant = await SignUpAsync();
        var first = await CreateClientAsync(tenant, "Jo@Example.test", "Jo");

        var duplicate = await tenant.PostJsonAsync("/api/v2/client", new { email = "jo@example.TEST", name = "Other Jo" });

        Assert.Equal((409, 5), Status(duplicate));
        Assert.StartsWith("email:", duplicate.StatusDescriptions);
        Assert.Contains(first.ToString(System.Globalization.CultureInfo.InvariantCulture), duplicate.StatusDescriptions);
        Assert.Equal(JsonValueKind.Null, duplicate.Data.ValueKind);
    }

    [Fact]
    public async Task ChangingTheEmailToAnotherClientsIsAConflict()
    {
        var tenant = await SignUpAsync();
        var kim = await CreateClientAsync(tenant, "kim@example.test", "Kim");
        await CreateClientAsync(tenant, "lou@example.test", "Lou");

        var conflict = await tenant.PutJsonAsync($"/api/v2/client/{kim}", new { email = "LOU@example.test" });

        Assert.Equal((409, 5), Status(conflict));
        Assert.StartsWith("email:", conflict.StatusDescriptions);
        Assert.Equal("kim@example.test", (await tenant.GetAsync($"/api/v2/client/{kim}")).Data[0].GetProperty("email").GetString());
    }

    [Fact]
    public async Task ConcurrentCreatesOfOneEmailLetExactlyOneThrough()
    {
        var tenant = await SignUpAsync();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            tenant.PostJsonAsync("/api/v2/client", new { email = "max@example.test", name = $"Max {i}" })));

        Assert.Single(attempts, a => a.StatusCode == 0);
        Assert.All(attempts.Where(a => a.StatusCode != 0), a => Assert.Equal((409, 5), Status(a)));
        Assert.Single((await tenant.GetAsync("/api/v2/client?email=max@example.test")).Data.EnumerateArray());
    }

    [Fact]
    public async Task ABodyIsReadAsUtf8BytesWithOrWithoutAByteOrderMark()
    {
        var tenant = await SignUpAsync();
        static ByteArrayContent Json(byte[] bytes)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            return content;
        }

        var withMark = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/client", Json([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""{"email":"zoe@example.test","name":"Zoë"}""")])));
        var blank = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/client", Json(Encoding.UTF8.GetBytes(" \r\n\t "))));
        var broken = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/client", Json([.. Encoding.UTF8.GetBytes("""{"email":"yan@example.test","name":"Y"""), 0xC3, 0x28, .. "\"}"u8])));

        Assert.Equal((200, 0), Status(withMark));
        Assert.Equal("Zoë", withMark.Data.GetProperty("name").GetString());
        Assert.Equal((400, 1), Status(blank));
        Assert.StartsWith("email:", blank.StatusDescriptions, StringComparison.Ordinal);
        Assert.Equal((400, 1), Status(broken));
        Assert.StartsWith("body:", broken.StatusDescriptions, StringComparison.Ordinal);
        Assert.Single((await tenant.GetAsync("/api/v2/client")).Data.EnumerateArray());
    }

    [Theory]
    [InlineData("""{"name":"No Mail"}""", "email")]
    [InlineData("""{"email":"","name":"Blank"}""", "email")]
    [InlineData("""{"email":"not-an-email","name":"Bad"}""", "email")]
    [InlineData("""{"email":"a@b.test"}""", "name")]
    [InlineData("""{"email":"a@b.test","name":"   "}""", "name")]
    [InlineData("""{"email":"a@b.test","name":{"first":"A"}}""", "name")]
    [InlineData("""{"email":"a@b.test","name":"A","gender":"x"}""", "gender")]
    [InlineData("""{"email":"a@b.test","name":"A","birthday":"someday"}""", "birthday")]
    [InlineData("""{"email":"a@b.test","name":"A","cient_since":"2020-13-01"}""", "cient_since")]
    [InlineData("""{"email":"a@b.test","name":"A","accept_emails":"maybe"}""", "accept_emails")]
    [InlineData("""{"email":"a@b.test","name":"A","phone":"012345678901234567890123456789012"}""", "phone")]
    [InlineData("""{"email":"a@b.test","name":"A",""", "body")]
    [InlineData("""["email"]""", "body")]
    public async Task CreateWithABadFieldIsRefusedNamingIt(string body, string field)
    {
        var tenant = await SignUpAsync();

        var refused = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/client", new StringContent(body, Encoding.UTF8, "application/json")));

        Assert.Equal((400, 1), Status(refused));
        Assert.StartsWith(field + ":", refused.StatusDescriptions);
        Assert.Empty((await tenant.GetAsync("/api/v2/client")).Data.EnumerateArray());
    }

    [Fact]
    public async Task OversizeNotesAreRefusedNamingTheField()
    {
        var tenant = await SignUpAsync();

        var refused = await tenant.PostJsonAsync("/api/v2/client", new { email = "ned@example.test", name = "Ned", notes = new string('n', 10_001) });

        Assert.Equal((400, 1), Status(refused));
        Assert.StartsWith("notes:", refused.StatusDescriptions);
    }

    [Theory]
    [InlineData("""{"email":""}""", "email")]
    [InlineData("""{"name":null}""", "name")]
    [InlineData("""{"email":"nope"}""", "email")]
    [InlineData("""{"gender":"other"}""", "gender")]
    public async Task UpdateWithABadFieldIsRefusedNamingItAndChangesNothing(string body, string field)
    {
        var tenant = await SignUpAsync();
        var id = await CreateClientAsync(tenant, "olga@example.test", "Olga", new { gender = "f" });

        var refused = await Envelope.ReadAsync(await tenant.Client.PutAsync($"/api/v2/client/{id}", new StringContent(body, Encoding.UTF8, "application/json")));

        Assert.Equal((400, 1), Status(refused));
        Assert.StartsWith(field + ":", refused.StatusDescriptions);
        var read = (await tenant.GetAsync($"/api/v2/client/{id}")).Data[0];
        Assert.Equal(("olga@example.test", "Olga", "f"), (read.GetProperty("email").GetString(), read.GetProperty("name").GetString(), read.GetProperty("gender").GetString()));
    }

    [Theory]
    [InlineData("abc", 400)]
    [InlineData("0", 400)]
    [InlineData("-5", 400)]
    [InlineData("99999999999", 404)]
    public async Task AMalformedOrUnknownIdIsRefusedOnEveryRoute(string id, int httpStatus)
    {
        var tenant = await SignUpAsync();

        foreach (var answer in new[]
        {
            await tenant.GetAsync($"/api/v2/client/{id}"),
            await tenant.PutJsonAsync($"/api/v2/client/{id}", new { name = "X" }),
            await tenant.DeleteAsync($"/api/v2/client/{id}"),
        })
        {
            Assert.Equal(httpStatus, answer.HttpStatus);
            Assert.Equal(httpStatus == 400 ? 1 : 7, answer.StatusCode);
            if (httpStatus == 400)
            {
                Assert.StartsWith("id:", answer.StatusDescriptions);
            }
        }
    }

    [Fact]
    public async Task WithoutASessionEveryRouteIsNotAllowed()
    {
        var tenant = await SignUpAsync();
        var id = await CreateClientAsync(tenant, "pam@example.test", "Pam");

        foreach (var response in new[]
        {
            await Anonymous.GetAsync("/api/v2/client"),
            await Anonymous.GetAsync($"/api/v2/client/{id}"),
            await Anonymous.PostAsJsonAsync("/api/v2/client", new { email = "x@example.test", name = "X" }),
            await Anonymous.PutAsJsonAsync($"/api/v2/client/{id}", new { name = "X" }),
            await Anonymous.DeleteAsync($"/api/v2/client/{id}"),
            await Anonymous.PostAsync("/api/v2/client/uploadPicture", ImageForm()),
        })
        {
            Assert.Equal((403, 8), Status(await Envelope.ReadAsync(response)));
        }
    }

    [Fact]
    public async Task ListSearchesWithQAcrossNameEmailAndPhone()
    {
        var tenant = await SignUpAsync();
        var quinn = await CreateClientAsync(tenant, "quinn@mail.test", "Quinn Adams", new { phone = "(555) 010-0199", city = "Rome" });
        var rae = await CreateClientAsync(tenant, "rae@adams.test", "Rae Stone");

        Assert.Equal([quinn, rae], await ListIdsAsync(tenant, "q=adams"));
        Assert.Equal([quinn], await ListIdsAsync(tenant, "q=ADAMS%20quinn"));
        Assert.Equal([quinn], await ListIdsAsync(tenant, "q=5550100199"));
        Assert.Empty(await ListIdsAsync(tenant, "q=rome"));
    }

    [Fact]
    public async Task ListFiltersByTheReferenceFields()
    {
        var tenant = await SignUpAsync();
        var sam = await CreateClientAsync(tenant, "sam@example.test", "Sam", new { gender = "m", accept_emails = true, birthday = "1990-04-05", cient_since = "2020-01-02", city = "Saint-Étienne", zip = "42000" });
        var tia = await CreateClientAsync(tenant, "tia@example.test", "Tia", new { gender = "f", birthday = "1985-12-31", city = "Paris", zip = "75001" });

        Assert.Equal([sam], await ListIdsAsync(tenant, "city=saint"));
        Assert.Equal([tia], await ListIdsAsync(tenant, "zip=750"));
        Assert.Equal([sam], await ListIdsAsync(tenant, "gender=M"));
        Assert.Equal([sam], await ListIdsAsync(tenant, "accept_emails=1"));
        Assert.Equal([tia], await ListIdsAsync(tenant, "accept_emails=false"));
        Assert.Equal([sam], await ListIdsAsync(tenant, "birthday=04-05"));
        Assert.Equal([tia], await ListIdsAsync(tenant, "birthday=2001-12-31"));
        Assert.Equal([sam], await ListIdsAsync(tenant, "client_since=2020-1-2"));
        Assert.Equal([tia], await ListIdsAsync(tenant, $"client_id={tia}"));
        Assert.Equal([tia], await ListIdsAsync(tenant, "email=TIA@example.test"));
        Assert.Empty(await ListIdsAsync(tenant, "email=tia@example"));
        Assert.Equal([sam, tia], await ListIdsAsync(tenant, "name=&city="));
    }

    [Fact]
    public async Task ListFiltersByEmployeeAndLastAppointmentDayInTheAccountsTimeZone()
    {
        var tenant = await SignUpAsync();
        var store = Factory.Services.GetRequiredService<IClientStore>();

        // What a saved appointment does; 03:00 UTC on Feb 2 is still Feb 1 in the account's default zone (US/Pacific).
        var uma = await store.UpsertByEmailAsync(tenant.CompanyId, "uma@example.test", Json(new { name = "Uma", employee_id = 77, last_app_date = "2030-02-02T03:00:00Z" }), default);
        await store.UpsertByEmailAsync(tenant.CompanyId, "vic@example.test", Json(new { name = "Vic", employee_id = 78, last_app_date = "2030-02-02T09:00:00Z" }), default);

        Assert.Equal([uma.Client.Id], await ListIdsAsync(tenant, "employee_id=77"));
        Assert.Equal([uma.Client.Id], await ListIdsAsync(tenant, "last_app_date=2030-02-01"));
        var listed = (await tenant.GetAsync("/api/v2/client?employee_id=77")).Data[0];
        Assert.Equal((77, "2030-02-02T03:00:00Z"), (listed.GetProperty("employee_id").GetInt64(), listed.GetProperty("last_app_date").GetString()));
    }

    [Fact]
    public async Task ListSortsAndPages()
    {
        var tenant = await SignUpAsync();
        var zed = await CreateClientAsync(tenant, "a@example.test", "zed");
        _clock.Advance(TimeSpan.FromSeconds(1));
        var amy = await CreateClientAsync(tenant, "c@example.test", "Amy");
        _clock.Advance(TimeSpan.FromSeconds(1));
        var bob = await CreateClientAsync(tenant, "b@example.test", "bob");

        Assert.Equal([amy, bob, zed], await ListIdsAsync(tenant, ""));
        Assert.Equal([zed, bob, amy], await ListIdsAsync(tenant, "sort_by=name&sort_order=DESC"));
        Assert.Equal([zed, bob, amy], await ListIdsAsync(tenant, "sort_by=email"));
        Assert.Equal([bob, amy, zed], await ListIdsAsync(tenant, "sort_by=date_created&sort_order=desc"));
        Assert.Equal([bob], await ListIdsAsync(tenant, "start=1&end=2"));
        Assert.Equal([bob, zed], await ListIdsAsync(tenant, "start=1&end=all"));
        Assert.Equal([amy, bob, zed], await ListIdsAsync(tenant, "end=0"));
    }

    [Theory]
    [InlineData("sort_by=age", "sort_by")]
    [InlineData("sort_order=up", "sort_order")]
    [InlineData("start=-1", "start")]
    [InlineData("start=5&end=2", "end")]
    [InlineData("client_id=abc", "client_id")]
    [InlineData("employee_id=-3", "employee_id")]
    [InlineData("gender=x", "gender")]
    [InlineData("accept_emails=maybe", "accept_emails")]
    [InlineData("birthday=13-40", "birthday")]
    [InlineData("client_since=yesterday", "client_since")]
    [InlineData("last_app_date=2030-02-30", "last_app_date")]
    public async Task ListWithABadParameterIsRefusedNamingIt(string query, string field)
    {
        var tenant = await SignUpAsync();

        var refused = await tenant.GetAsync($"/api/v2/client?{query}");

        Assert.Equal((400, 1), Status(refused));
        Assert.StartsWith(field + ":", refused.StatusDescriptions);
    }

    [Fact]
    public async Task ListRefusesAnOversizeSearch()
    {
        var tenant = await SignUpAsync();

        var refused = await tenant.GetAsync($"/api/v2/client?q={new string('q', 300)}");

        Assert.Equal((400, 1), Status(refused));
        Assert.StartsWith("q:", refused.StatusDescriptions);
    }

    [Fact]
    public async Task UploadPictureStoresTheImageAndSetsTheNamedClientsPhoto()
    {
        var tenant = await SignUpAsync();
        var id = await CreateClientAsync(tenant, "wes@example.test", "Wes");

        var uploaded = await Envelope.ReadAsync(await tenant.Client.PostAsync($"/api/v2/client/uploadPicture?client_id={id}", ImageForm()));

        Assert.Equal(0, uploaded.StatusCode);
        Assert.Equal(JsonValueKind.Number, uploaded.Data.GetProperty("upload_id").ValueKind);
        Assert.Equal("avatar.png", uploaded.Data.GetProperty("file_name").GetString());
        var location = uploaded.Data.GetProperty("file_location").GetString()!;
        Assert.Equal(location, (await tenant.GetAsync($"/api/v2/client/{id}")).Data[0].GetProperty("photo").GetString());
        var image = await Anonymous.GetAsync(location);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Png, await image.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task UploadPictureWithoutAClientOnlyStoresTheImage()
    {
        var tenant = await SignUpAsync();

        var uploaded = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/client/uploadPicture", ImageForm()));

        Assert.Equal(0, uploaded.StatusCode);
        Assert.Equal(200, (int)(await Anonymous.GetAsync(uploaded.Data.GetProperty("file_location").GetString())).StatusCode);
    }

    [Fact]
    public async Task UploadPictureRefusesWhatIsNotAnImage()
    {
        var tenant = await SignUpAsync();
        var id = await CreateClientAsync(tenant, "xia@example.test", "Xia");
        var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("just text")), "photo", "notes.txt" } };

        var refused = await Envelope.ReadAsync(await tenant.Client.PostAsync($"/api/v2/client/uploadPicture?client_id={id}", form));
        var empty = await Envelope.ReadAsync(await tenant.Client.PostAsJsonAsync("/api/v2/client/uploadPicture", new { client_id = id }));

        Assert.Equal((400, 1), Status(refused));
        Assert.StartsWith("file:", refused.StatusDescriptions);
        Assert.Equal((400, 1), Status(empty));
        Assert.Equal(string.Empty, (await tenant.GetAsync($"/api/v2/client/{id}")).Data[0].GetProperty("photo").GetString());
    }

    [Fact]
    public async Task AnotherTenantNeverSeesFindsChangesOrDeletesTheClients()
    {
        var owner = await SignUpAsync("owner");
        var stranger = await SignUpAsync("stranger");
        var id = await CreateClientAsync(owner, "yan@example.test", "Yan Secret", new { phone = "555-1234" });

        foreach (var answer in new[]
        {
            await stranger.GetAsync($"/api/v2/client/{id}"),
            await stranger.PutJsonAsync($"/api/v2/client/{id}", new { name = "Mallory" }),
            await stranger.DeleteAsync($"/api/v2/client/{id}"),
            await Envelope.ReadAsync(await stranger.Client.PostAsync($"/api/v2/client/uploadPicture?client_id={id}", ImageForm())),
            await stranger.GetAsync($"/api/v2/client?company_id={owner.CompanyId}"),
        })
        {
            Assert.Equal((404, 7), Status(answer));
            Assert.Equal(JsonValueKind.Null, answer.Data.ValueKind);
        }

        Assert.Empty(await ListIdsAsync(stranger, ""));
        Assert.Empty(await ListIdsAsync(stranger, "q=secret"));
        Assert.Empty(await ListIdsAsync(stranger, "q=5551234"));
        Assert.Empty(await ListIdsAsync(stranger, "email=yan@example.test"));
        Assert.Empty(await ListIdsAsync(stranger, $"client_id={id}"));
        var kept = (await owner.GetAsync($"/api/v2/client/{id}")).Data[0];
        Assert.Equal(("Yan Secret", ""), (kept.GetProperty("name").GetString(), kept.GetProperty("photo").GetString()));
    }

    [Fact]
    public async Task TheSameEmailMayBeAClientOfTwoCompanies()
    {
        var one = await SignUpAsync();
        var two = await SignUpAsync();

        var a = await CreateClientAsync(one, "zoe@example.test", "Zoe");
        var b = await CreateClientAsync(two, "zoe@example.test", "Zoe");

        Assert.NotEqual(a, b);
        Assert.Equal([a], await ListIdsAsync(one, ""));
        Assert.Equal([b], await ListIdsAsync(two, ""));
    }

    [Fact]
    public async Task AParentSessionManagesItsSubAccountsClientsApart()
    {
        var parent = await SignUpAsync("parent");
        var childId = await CreateSubAccountAsync(parent);

        var created = await parent.PostJsonAsync($"/api/v2/client?company_id={childId}", new { email = "kid@example.test", name = "Kid" });

        Assert.Equal(childId, created.Data.GetProperty("company_id").GetInt64());
        Assert.Single((await parent.GetAsync($"/api/v2/client?company_id={childId}")).Data.EnumerateArray());
        Assert.Empty(await ListIdsAsync(parent, ""));
        Assert.Equal((404, 7), Status(await parent.GetAsync($"/api/v2/client/{created.Data.GetProperty("client_id").GetInt64()}")));
    }

    private static (int, int) Status(Envelope envelope) => (envelope.HttpStatus, envelope.StatusCode);

    private static async Task<long> CreateClientAsync(Tenant tenant, string email, string name, object? more = null)
    {
        var body = Json(more ?? new { });
        body["email"] = JsonSerializer.SerializeToElement(email);
        body["name"] = JsonSerializer.SerializeToElement(name);
        var created = await tenant.PostJsonAsync("/api/v2/client", body);
        Assert.True(created.StatusCode == 0, $"creating a client failed: {created.StatusDescriptions}");
        return created.Data.GetProperty("client_id").GetInt64();
    }

    private static async Task<long[]> ListIdsAsync(Tenant tenant, string query)
    {
        var listed = await tenant.GetAsync($"/api/v2/client?{query}");
        Assert.True(listed.StatusCode == 0, $"listing clients failed: {listed.StatusDescriptions}");
        return [.. listed.Data.EnumerateArray().Select(c => c.GetProperty("client_id").GetInt64())];
    }

    private static Dictionary<string, JsonElement> Json(object values) =>
        JsonSerializer.SerializeToElement(values).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    private static MultipartFormDataContent ImageForm() => new() { { new ByteArrayContent(Png), "photo", "avatar.png" } };
}

public sealed class ClientsApiMemoryTests(MemoryApiStorage storage) : ClientsApiTests<MemoryApiStorage>(storage);

public sealed class ClientsApiPostgresTests(PostgresApiStorage storage) : ClientsApiTests<PostgresApiStorage>(storage);
