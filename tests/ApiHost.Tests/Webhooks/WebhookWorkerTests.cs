using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Appointments;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.Grains.Webhooks;
using Scheduling.Silo.Webhooks;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Webhooks;

/// <summary>The hosted workers on their own: a booking reaches the receiver with nobody driving the stream pump or the delivery worker.</summary>
public abstract class WebhookHostedWorkerTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Workers:Enabled"] = "true",
        ["Webhooks:AllowPrivateTargets"] = "true",
    };

    [Fact]
    public async Task ABookingReachesTheReceiverSignedWithoutAnyoneDrivingTheWorkers()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var tenant = await SignUpAsync();
        var hook = (await tenant.PostJsonAsync("/api/v2/subscribe", new { target_url = receiver.Url, events = new[] { "appointment.created" } })).Data;
        var shop = await tenant.OpenShopAsync();

        var id = await tenant.BookIdAsync(shop.Booking("09:00"));

        await receiver.WaitForAsync(1);
        var received = Assert.Single(receiver.Received);
        Assert.True(StandardWebhooksVerifier.Verify(hook.GetProperty("verification_key").GetString()!, received));
        Assert.Equal(id, JsonDocument.Parse(received.Body).RootElement.GetProperty("data").GetProperty("id").GetInt64());
    }
}

public sealed class WebhookHostedWorkerMemoryTests(MemoryApiStorage storage) : WebhookHostedWorkerTests<MemoryApiStorage>(storage);

public sealed class WebhookHostedWorkerPostgresTests(PostgresApiStorage storage) : WebhookHostedWorkerTests<PostgresApiStorage>(storage);

/// <summary>
/// Private targets not allowed (the default): a host name that was public when the webhook was saved and now
/// resolves to a loopback address (DNS rebinding) is refused when the worker connects, and the receiver sees nothing.
/// </summary>
public abstract class WebhookTargetRefusalTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    private readonly SwitchableResolver _resolver = new();

    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Workers:Enabled"] = "false",
        ["Webhooks:AllowPrivateTargets"] = "false",
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(new ManualTimeProvider(new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero)));
        services.AddSingleton<IHostAddressResolver>(_resolver);
    }

    [Fact]
    public async Task ANameThatNowResolvesToALoopbackAddressIsRefusedAtSendTime()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var tenant = await SignUpAsync();
        _resolver.Hosts["receiver.example.test"] = [IPAddress.Parse("93.184.216.34")];
        var created = await tenant.PostJsonAsync("/api/v2/subscribe", new { target_url = $"http://receiver.example.test:{receiver.Port}/hooks", events = "*" });
        Assert.True(created.StatusCode == 0, created.StatusDescriptions);
        var hook = created.Data.GetProperty("id").GetInt64();
        var direct = await tenant.PostJsonAsync("/api/v2/subscribe", new { target_url = receiver.Url, events = "*" });
        Assert.Equal((400, 1), direct.Status());
        var shop = await tenant.OpenShopAsync();
        _resolver.Hosts["receiver.example.test"] = [IPAddress.Loopback];

        await tenant.BookIdAsync(shop.Booking("09:00"));
        await Factory.Services.DeliverStreamsAsync();
        await Factory.Services.GetRequiredService<WebhookDeliveryService>().DeliverDueAsync();

        Assert.Equal(0, receiver.Count);
        var delivery = Assert.Single((await tenant.GetAsync($"/api/v2/subscribe/{hook}/deliveries")).Data.EnumerateArray());
        Assert.Equal("pending", delivery.GetProperty("status").GetString());
        var attempt = Assert.Single(delivery.GetProperty("attempts").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, attempt.GetProperty("status_code").ValueKind);
        Assert.StartsWith("refused: receiver.example.test resolves to 127.0.0.1", attempt.GetProperty("error").GetString());
    }

    private sealed class SwitchableResolver : IHostAddressResolver
    {
        public ConcurrentDictionary<string, IPAddress[]> Hosts { get; } = new();

        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            Hosts.TryGetValue(host, out var addresses)
                ? Task.FromResult(addresses)
                : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
    }
}

public sealed class WebhookTargetRefusalMemoryTests(MemoryApiStorage storage) : WebhookTargetRefusalTests<MemoryApiStorage>(storage);

public sealed class WebhookTargetRefusalPostgresTests(PostgresApiStorage storage) : WebhookTargetRefusalTests<PostgresApiStorage>(storage);

/// <summary>
/// Two delivery workers (two hosts) on one PostgreSQL database: the first claims a delivery and dies while the
/// receiver is still answering; the second cannot take it while the lease holds, takes it over when the lease
/// runs out, and delivers the same event under the same webhook-id. Nothing is lost; the dead worker cannot
/// record over the one that finished.
/// </summary>
public sealed class WebhookLeaseTakeoverPostgresTests(PostgresApiStorage storage) : ApiTestBase<PostgresApiStorage>(storage)
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero));

    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Workers:Enabled"] = "false",
        ["Webhooks:AllowPrivateTargets"] = "true",
        ["Webhooks:Lease"] = "00:01:00",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(_clock);

    [Fact]
    public async Task AWorkerKilledMidDeliveryLosesNothingTheOtherDeliversAfterTheLease()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var second = Storage.CreateFactory(ConfigureServices, Settings);
        var tenant = await SignUpAsync();
        var hook = (await tenant.PostJsonAsync("/api/v2/subscribe", new { target_url = receiver.Url, events = "*" })).Data;
        var shop = await tenant.OpenShopAsync();
        await tenant.BookIdAsync(shop.Booking("09:00"));
        await Factory.Services.DeliverStreamsAsync();
        var first = Factory.Services.GetRequiredService<WebhookDeliveryService>();
        var other = second.Services.GetRequiredService<WebhookDeliveryService>();

        // The first worker sends and is killed before the receiver answers.
        receiver.Hold();
        using var kill = new CancellationTokenSource();
        var pass = first.DeliverDueAsync(kill.Token);
        await receiver.WaitForAsync(1);
        await kill.CancelAsync();
        await pass;
        receiver.Release();

        // Its lease still holds: the other worker leaves the delivery alone.
        Assert.Equal(0, await other.DeliverDueAsync());
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal(1, await other.DeliverDueAsync());

        var received = receiver.Received;
        Assert.Equal(2, received.Count);
        Assert.Equal(received[0].Id, received[1].Id);
        Assert.Equal(received[0].Body, received[1].Body);
        Assert.True(StandardWebhooksVerifier.Verify(hook.GetProperty("verification_key").GetString()!, received[1]));
        var delivery = Assert.Single((await tenant.GetAsync($"/api/v2/subscribe/{hook.GetProperty("id").GetInt64()}/deliveries")).Data.EnumerateArray());
        Assert.Equal(("delivered", 1), (delivery.GetProperty("status").GetString(), delivery.GetProperty("attempt_count").GetInt32()));

        // Were the first worker to come back, its late record would be refused: the lease is no longer its own.
        var late = new WebhookDeliveryUpdate(WebhookDeliveryStatus.Failed, _clock.GetUtcNow(), null, 500, "late");
        Assert.False(await Factory.Services.GetRequiredService<IWebhookDeliveryStore>().RecordAsync(first.Owner, delivery.GetProperty("id").GetInt64(), null, late, CancellationToken.None));
        Assert.Equal("delivered", Assert.Single((await tenant.GetAsync($"/api/v2/subscribe/{hook.GetProperty("id").GetInt64()}/deliveries")).Data.EnumerateArray()).GetProperty("status").GetString());
    }
}
