using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.Contracts.Webhooks;
using Scheduling.Grains.Webhooks;
using Orleans;
using Orleans.Runtime;
using Scheduling.Grains.Storage;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Subscriptions;

public abstract class SubscriptionsApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    // A public address literal needs no lookup; host names resolve from this table, never from real DNS.
    private const string Target = "https://93.184.216.34/webhooks";

    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero));

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton<IHostAddressResolver>(new TableResolver(new Dictionary<string, string[]>
        {
            ["hooks.example.test"] = ["93.184.216.34", "2606:2800:220:1::1"],
            ["internal.example.test"] = ["10.0.0.8"],
            ["sneaky.example.test"] = ["93.184.216.34", "fd00::8"],
        }));
    }

    [Fact]
    public async Task CreateAnswers201WithTheSubscriptionAndItsSigningKey()
    {
        var tenant = await SignUpAsync();

        var created = await tenant.PostJsonAsync("/api/v2/subscribe", new
        {
            company_id = tenant.CompanyId,
            target_url = Target,
            events = new object[] { "appointment.created", new { @event = "appointment.rescheduled", active = 0 } },
        });

        Assert.Equal((201, 0), (created.HttpStatus, created.StatusCode));
        var data = created.Data;
        Assert.Equal(["id", "company_id", "target_url", "events", "active", "verification_key", "created_at", "updated_at"], data.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Number, data.GetProperty("id").ValueKind);
        Assert.Equal((tenant.CompanyId, Target, 1), (data.GetProperty("company_id").GetInt64(), data.GetProperty("target_url").GetString(), data.GetProperty("active").GetInt32()));
        var events = data.GetProperty("events").EnumerateArray().ToList();
        Assert.Equal([("appointment.created", 1), ("appointment.rescheduled", 0)], events.Select(e => (e.GetProperty("event").GetString(), e.GetProperty("active").GetInt32())));
        Assert.All(events, e => Assert.Equal(JsonValueKind.Number, e.GetProperty("id").ValueKind));
        Assert.Equal("2031-03-01T12:00:00Z", data.GetProperty("created_at").GetString());
        Assert.Equal("2031-03-01T12:00:00Z", events[0].GetProperty("created_at").GetString());
        var key = data.GetProperty("verification_key").GetString()!;
        Assert.StartsWith("whsec_", key);
        Assert.Equal(32, Convert.FromBase64String(key["whsec_".Length..]).Length);
    }

    [Fact]
    public async Task EverySubscriptionHasItsOwnKeyAndItIsReadBack()
    {
        var tenant = await SignUpAsync();
        var first = await CreateAsync(tenant, new { target_url = Target, events = new[] { "*" } });
        var second = await CreateAsync(tenant, new { target_url = Target, events = new[] { "*" } });

        var read = await tenant.GetAsync($"/api/v2/subscribe/{first.Id}");

        Assert.NotEqual(first.Key, second.Key);
        var item = Assert.Single(read.Data.EnumerateArray().ToList());
        Assert.Equal((first.Id, first.Key), (item.GetProperty("id").GetInt64(), item.GetProperty("verification_key").GetString()));
    }

    [Fact]
    public async Task AHostNameResolvingToPublicAddressesIsATarget()
    {
        var tenant = await SignUpAsync();

        var created = await tenant.PostJsonAsync("/api/v2/subscribe", new { target_url = "https://hooks.example.test/in?source=setster", events = "*" });

        Assert.Equal(201, created.HttpStatus);
        Assert.Equal("https://hooks.example.test/in?source=setster", created.Data.GetProperty("target_url").GetString());
    }

    [Theory]
    [InlineData("http://127.0.0.1/hook", "private, loopback or link-local")]
    [InlineData("http://[::1]:8080/hook", "private, loopback or link-local")]
    [InlineData("http://10.0.0.1/hook", "private, loopback or link-local")]
    [InlineData("http://172.20.1.1/hook", "private, loopback or link-local")]
    [InlineData("http://192.168.1.20/hook", "private, loopback or link-local")]
    [InlineData("http://169.254.169.254/latest/meta-data", "private, loopback or link-local")]
    [InlineData("http://0.0.0.0:9000/", "private, loopback or link-local")]
    [InlineData("http://[fe80::1]/hook", "private, loopback or link-local")]
    [InlineData("http://[fd00::1]/hook", "private, loopback or link-local")]
    [InlineData("https://internal.example.test/hook", "private, loopback or link-local")]
    [InlineData("https://sneaky.example.test/hook", "private, loopback or link-local")]
    [InlineData("https://nowhere.example.test/hook", "does not resolve")]
    [InlineData("ftp://93.184.216.34/hook", "must be an http or https URL")]
    [InlineData("not a url", "must be an absolute URL")]
    [InlineData("/relative/hook", "must be an absolute URL")]
    public async Task ATargetThatIsNotAPublicHttpUrlIsRefused(string url, string problem)
    {
        var tenant = await SignUpAsync();

        var refused = await tenant.PostJsonAsync("/api/v2/subscribe", new { target_url = url, events = new[] { "*" } });

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith("target_url:", refused.StatusDescriptions);
        Assert.Contains(problem, refused.StatusDescriptions);
        Assert.Empty(Ids(await tenant.GetAsync("/api/v2/subscribe")));
    }

    [Fact]
    public async Task ModifyingTheTargetIsCheckedTheSameWay()
    {
        var tenant = await SignUpAsync();
        var created = await CreateAsync(tenant, new { target_url = Target, events = new[] { "*" } });

        var refused = await tenant.PutJsonAsync($"/api/v2/subscribe/{created.Id}", new { target_url = "http://127.0.0.1:8080/steal" });

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith("target_url:", refused.StatusDescriptions);
        Assert.Equal(Target, (await tenant.GetAsync($"/api/v2/subscribe/{created.Id}")).Data[0].GetProperty("target_url").GetString());
    }

    [Theory]
    [InlineData("""{"target_url":"https://93.184.216.34/w"}""", "events:")]
    [InlineData("""{"target_url":"https://93.184.216.34/w","events":[]}""", "events:")]
    [InlineData("""{"target_url":"https://93.184.216.34/w","events":["appointment.exploded"]}""", "events: unknown event 'appointment.exploded'")]
    [InlineData("""{"target_url":"https://93.184.216.34/w","events":"appointment.created,client.created"}""", "events: unknown event 'client.created'")]
    [InlineData("""{"target_url":"https://93.184.216.34/w","events":[{"active":1}]}""", "events:")]
    [InlineData("""{"target_url":"https://93.184.216.34/w","events":[42]}""", "events:")]
    [InlineData("""{"target_url":"https://93.184.216.34/w","events":{"event":"appointment.created"}}""", "events:")]
    [InlineData("""{"events":["*"]}""", "target_url: is required")]
    [InlineData("""{"target_url":42,"events":["*"]}""", "target_url:")]
    [InlineData("""{"target_url":["https://93.184.216.34/w"],"events":["*"]}""", "target_url:")]
    [InlineData("""{"target_url":"https://93.184.216.34/w","events":["*"],"active":"sometimes"}""", "active:")]
    public async Task ABadSubscriptionIsRefusedNamingTheField(string body, string prefix)
    {
        var tenant = await SignUpAsync();

        var refused = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/subscribe", new StringContent(body, Encoding.UTF8, "application/json")));

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith(prefix, refused.StatusDescriptions);
        Assert.Empty(Ids(await tenant.GetAsync("/api/v2/subscribe")));
    }

    [Fact]
    public async Task AnOversizedTargetUrlIsRefused()
    {
        var tenant = await SignUpAsync();

        var refused = await tenant.PostJsonAsync("/api/v2/subscribe", new { target_url = Target + "/" + new string('a', 2048), events = "*" });

        Assert.Equal("target_url: longer than 2048 characters", refused.StatusDescriptions);
    }

    [Fact]
    public async Task EveryRequestFormCreatesASubscription()
    {
        var tenant = await SignUpAsync();

        var wrapped = await tenant.PostJsonAsync("/api/v2/subscribe", new { data = new { target_url = Target, events = new[] { "appointment.canceled" }, active = "0" } });
        var form = await tenant.PostFormAsync("/api/v2/subscribe", new { target_url = Target, events = new object[] { new { @event = "appointment.reminder", active = "1" } } });
        var query = await Envelope.ReadAsync(await tenant.Client.PostAsync(
            $"/api/v2/subscribe?target_url={Uri.EscapeDataString(Target)}&events=appointment.created,appointment.deleted&active=1", null));

        Assert.Equal((201, 201, 201), (wrapped.HttpStatus, form.HttpStatus, query.HttpStatus));
        Assert.Equal(0, wrapped.Data.GetProperty("active").GetInt32());
        Assert.Equal(["appointment.reminder"], Events(form.Data));
        Assert.Equal(["appointment.created", "appointment.deleted"], Events(query.Data));
    }

    [Fact]
    public async Task AnUpdateChangesWhatIsGivenAndKeepsTheEventsStillChosen()
    {
        var tenant = await SignUpAsync();
        var created = await CreateAsync(tenant, new { target_url = Target, events = new[] { "appointment.created", "appointment.updated" } });
        var createdEventId = created.Data.GetProperty("events")[0].GetProperty("id").GetInt64();
        _clock.Advance(TimeSpan.FromHours(1));

        var updated = await tenant.PutJsonAsync($"/api/v2/subscribe/{created.Id}", new
        {
            events = new object[] { new { @event = "appointment.created", active = false }, "appointment.canceled" },
            active = 0,
        });

        Assert.Equal((200, 0), (updated.HttpStatus, updated.StatusCode));
        var data = updated.Data;
        Assert.Equal(["appointment.created", "appointment.canceled"], Events(data));
        Assert.Equal((createdEventId, 0), (data.GetProperty("events")[0].GetProperty("id").GetInt64(), data.GetProperty("events")[0].GetProperty("active").GetInt32()));
        Assert.Equal((Target, 0, created.Key), (data.GetProperty("target_url").GetString(), data.GetProperty("active").GetInt32(), data.GetProperty("verification_key").GetString()));
        Assert.Equal(("2031-03-01T12:00:00Z", "2031-03-01T13:00:00Z"), (data.GetProperty("created_at").GetString(), data.GetProperty("updated_at").GetString()));
    }

    [Fact]
    public async Task AnUpdateCannotLeaveASubscriptionWithoutEvents()
    {
        var tenant = await SignUpAsync();
        var created = await CreateAsync(tenant, new { target_url = Target, events = new[] { "*" } });

        var refused = await tenant.PutJsonAsync($"/api/v2/subscribe/{created.Id}", new { events = Array.Empty<string>() });

        Assert.StartsWith("events:", refused.StatusDescriptions);
        Assert.Equal(["*"], Events((await tenant.GetAsync($"/api/v2/subscribe/{created.Id}")).Data[0]));
    }

    [Fact]
    public async Task TheListFiltersByTheReferenceAttributes()
    {
        var tenant = await SignUpAsync();
        var first = await CreateAsync(tenant, new { target_url = Target, events = "*" });
        _clock.Advance(TimeSpan.FromDays(1));
        var second = await CreateAsync(tenant, new { target_url = "https://hooks.example.test/in", events = "*", active = 0 });
        _clock.Advance(TimeSpan.FromDays(1));
        await tenant.PutJsonAsync($"/api/v2/subscribe/{first.Id}", new { active = 1 });

        Assert.Equal([first.Id, second.Id], Ids(await tenant.GetAsync("/api/v2/subscribe")));
        Assert.Equal([second.Id], Ids(await tenant.GetAsync("/api/v2/subscribe?active=0")));
        Assert.Equal([first.Id], Ids(await tenant.GetAsync($"/api/v2/subscribe?target_url={Uri.EscapeDataString(Target)}")));
        Assert.Equal([second.Id], Ids(await tenant.GetAsync($"/api/v2/subscribe?verification_key={Uri.EscapeDataString(second.Key)}")));
        Assert.Equal([second.Id], Ids(await tenant.GetAsync("/api/v2/subscribe?created_at=2031-03-02")));
        Assert.Equal([first.Id], Ids(await tenant.GetAsync("/api/v2/subscribe?updated_at=2031-03-03T00:00:00Z")));
        Assert.Equal([second.Id], Ids(await tenant.GetAsync("/api/v2/subscribe?start=1&end=2")));
        Assert.Equal(2, Ids(await tenant.GetAsync("/api/v2/subscribe?target_url=&verification_key=&created_at=")).Count);
        Assert.StartsWith("created_at:", (await tenant.GetAsync("/api/v2/subscribe?created_at=yesterday")).StatusDescriptions);
    }

    [Fact]
    public async Task DeleteRemovesTheSubscriptionAndASecondDeleteIsNotFound()
    {
        var tenant = await SignUpAsync();
        var created = await CreateAsync(tenant, new { target_url = Target, events = "*" });

        var deleted = await tenant.DeleteAsync($"/api/v2/subscribe/{created.Id}");
        var again = await tenant.DeleteAsync($"/api/v2/subscribe/{created.Id}");

        Assert.Equal((200, 0, JsonValueKind.Object), (deleted.HttpStatus, deleted.StatusCode, deleted.Data.ValueKind));
        Assert.Equal((404, 7), (again.HttpStatus, again.StatusCode));
        Assert.Empty(Ids(await tenant.GetAsync("/api/v2/subscribe")));
    }

    [Fact]
    public async Task AMalformedIdIsRefusedAndAnUnknownOneIsNotFound()
    {
        var tenant = await SignUpAsync();

        var malformed = new[]
        {
            await tenant.GetAsync("/api/v2/subscribe/abc"),
            await tenant.PutJsonAsync("/api/v2/subscribe/-1", new { active = 0 }),
            await tenant.DeleteAsync("/api/v2/subscribe/0"),
        };
        var unknown = new[]
        {
            await tenant.GetAsync("/api/v2/subscribe/987654321"),
            await tenant.PutJsonAsync("/api/v2/subscribe/987654321", new { active = 0 }),
            await tenant.DeleteAsync("/api/v2/subscribe/987654321"),
        };

        Assert.All(malformed, e => Assert.Equal((400, 1, true), (e.HttpStatus, e.StatusCode, e.StatusDescriptions.StartsWith("id:", StringComparison.Ordinal))));
        Assert.All(unknown, e => Assert.Equal((404, 7), (e.HttpStatus, e.StatusCode)));
    }

    [Fact]
    public async Task AnotherTenantCannotSeeOrChangeTheSubscriptions()
    {
        var owner = await SignUpAsync("owner");
        var other = await SignUpAsync("other");
        var created = await CreateAsync(owner, new { target_url = Target, events = "*" });

        var attempts = new[]
        {
            await other.GetAsync($"/api/v2/subscribe/{created.Id}"),
            await other.PutJsonAsync($"/api/v2/subscribe/{created.Id}", new { target_url = "https://hooks.example.test/stolen" }),
            await other.DeleteAsync($"/api/v2/subscribe/{created.Id}"),
            await other.GetAsync($"/api/v2/subscribe/{created.Id}?company_id={owner.CompanyId}"),
        };

        Assert.All(attempts, e => Assert.Equal((404, 7), (e.HttpStatus, e.StatusCode)));
        Assert.All(attempts, e => Assert.DoesNotContain(created.Key, e.Data.GetRawText()));
        Assert.Empty(Ids(await other.GetAsync("/api/v2/subscribe")));
        Assert.Empty(Ids(await other.GetAsync($"/api/v2/subscribe?verification_key={Uri.EscapeDataString(created.Key)}")));
        var kept = (await owner.GetAsync($"/api/v2/subscribe/{created.Id}")).Data[0];
        Assert.Equal(Target, kept.GetProperty("target_url").GetString());
    }

    [Fact]
    public async Task WithoutASessionNothingIsAllowed()
    {
        var refused = new[]
        {
            await Anonymous.GetEnvelopeAsync("/api/v2/subscribe"),
            await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/subscribe", new { target_url = Target, events = "*" })),
            await Envelope.ReadAsync(await Anonymous.DeleteAsync("/api/v2/subscribe/1")),
        };

        Assert.All(refused, e => Assert.Equal((403, 8), (e.HttpStatus, e.StatusCode)));
    }

    [Fact]
    public async Task TheDispatcherFindsTheActiveSubscriptionsThatWantAnEvent()
    {
        var tenant = await SignUpAsync();
        var everything = await CreateAsync(tenant, new { target_url = Target, events = "*" });
        var createdOnly = await CreateAsync(tenant, new { target_url = Target, events = new[] { "appointment.created" } });
        var mutedReminders = await CreateAsync(tenant, new { target_url = Target, events = new object[] { "*", new { @event = "appointment.reminder", active = 0 } } });
        await CreateAsync(tenant, new { target_url = Target, events = "*", active = 0 });
        var grains = Factory.Services.GetRequiredService<IGrainFactory>();

        // As the fan-out and the publishers read them: the company's list, and WebhookSubscription.Wants.
        var subscriptions = await grains.GetGrain<IWebhookSubscriptionsGrain>(tenant.CompanyId).ListAsync();
        var created = subscriptions.Where(s => s.Wants(WebhookEvents.Created)).ToList();
        var reminder = subscriptions.Where(s => s.Wants(WebhookEvents.Reminder)).ToList();
        var otherCompany = await grains.GetGrain<IWebhookSubscriptionsGrain>(tenant.CompanyId + 1_000_000).ListAsync();

        Assert.Equal([everything.Id, createdOnly.Id, mutedReminders.Id], created.Select(s => s.Id));
        Assert.Equal([everything.Id], reminder.Select(s => s.Id));
        Assert.Empty(otherCompany);
        Assert.All(created, s => Assert.StartsWith("whsec_", s.VerificationKey));
    }

    [Fact]
    public async Task ACompanyHasAtMostFiftyWebhooks()
    {
        var tenant = await SignUpAsync();
        for (var i = 0; i < 50; i++)
        {
            await CreateAsync(tenant, new { target_url = $"{Target}/{i}", events = "*" });
        }

        var refused = await tenant.PostJsonAsync("/api/v2/subscribe", new { target_url = Target, events = "*" });

        Assert.Equal((403, 11), (refused.HttpStatus, refused.StatusCode));
    }

    private static async Task<(long Id, string Key, JsonElement Data)> CreateAsync(Tenant tenant, object body)
    {
        var created = await tenant.PostJsonAsync("/api/v2/subscribe", body);
        Assert.True(created.StatusCode == 0, created.StatusDescriptions);
        return (created.Data.GetProperty("id").GetInt64(), created.Data.GetProperty("verification_key").GetString()!, created.Data);
    }

    private static List<long> Ids(Envelope list)
    {
        Assert.True(list.StatusCode == 0, list.StatusDescriptions);
        return [.. list.Data.EnumerateArray().Select(s => s.GetProperty("id").GetInt64())];
    }

    private static List<string?> Events(JsonElement subscription) =>
        [.. subscription.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event").GetString())];

    private sealed class TableResolver(Dictionary<string, string[]> hosts) : IHostAddressResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            hosts.TryGetValue(host, out var addresses)
                ? Task.FromResult(addresses.Select(IPAddress.Parse).ToArray())
                : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
    }
}

public sealed class SubscriptionsApiMemoryTests(MemoryApiStorage storage) : SubscriptionsApiTests<MemoryApiStorage>(storage);

public sealed class SubscriptionsApiPostgresTests(PostgresApiStorage storage) : SubscriptionsApiTests<PostgresApiStorage>(storage);

/// <summary>With <c>Webhooks:AllowPrivateTargets=true</c> (tests, single-host setups) a loopback receiver is a target.</summary>
public abstract class LoopbackSubscriptionsApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    protected override void ConfigureServices(IServiceCollection services) =>
        services.Configure<WebhookOptions>(options => options.AllowPrivateTargets = true);

    [Theory]
    [InlineData("http://127.0.0.1:9999/hook")]
    [InlineData("http://localhost:5000/in")]
    [InlineData("http://[::1]:8080/in")]
    public async Task ALoopbackTargetIsAcceptedWhenPrivateTargetsAreAllowed(string url)
    {
        var tenant = await SignUpAsync();

        var created = await tenant.PostJsonAsync("/api/v2/subscribe", new { target_url = url, events = "*" });

        Assert.Equal((201, 0), (created.HttpStatus, created.StatusCode));
        Assert.Equal(url, created.Data.GetProperty("target_url").GetString());
    }

    [Fact]
    public async Task AllowingPrivateTargetsStillRefusesOtherSchemes()
    {
        var tenant = await SignUpAsync();

        var refused = await tenant.PostJsonAsync("/api/v2/subscribe", new { target_url = "file:///etc/passwd", events = "*" });

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith("target_url:", refused.StatusDescriptions);
    }
}

public sealed class LoopbackSubscriptionsApiMemoryTests(MemoryApiStorage storage) : LoopbackSubscriptionsApiTests<MemoryApiStorage>(storage);

public sealed class LoopbackSubscriptionsApiPostgresTests(PostgresApiStorage storage) : LoopbackSubscriptionsApiTests<PostgresApiStorage>(storage);
