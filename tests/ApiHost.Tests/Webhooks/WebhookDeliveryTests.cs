using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.Grains.Storage;
using Scheduling.ApiHost.Tests.Accounts;
using Scheduling.ApiHost.Tests.Appointments;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.Contracts.Appointments;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Webhooks;
using Orleans.Streams;
using Scheduling.Silo.Webhooks;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Webhooks;

/// <summary>
/// Webhook delivery end to end, to a real HTTP receiver: bookings become signed deliveries, failures are retried
/// on the schedule and logged, 410 and the end of the schedule disable the webhook, redirects are not followed,
/// Retry-After is honoured, redeliver sends the same event again. The test drives the stream pump and the
/// delivery worker and moves the clock, so every retry happens when the test says.
/// </summary>
public abstract class WebhookDeliveryTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CapturingNotifier _notifier = new();
    private WebhookReceiver _receiver = null!;

    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Workers:Enabled"] = "false",
        ["Webhooks:AllowPrivateTargets"] = "true",
        // The clock moves by days here; sessions must outlive that.
        ["Sessions:IdleTimeout"] = "30.00:00:00",
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSingleton<Scheduling.Grains.Notifications.INotifier>(_notifier);
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _receiver = await WebhookReceiver.StartAsync();
    }

    public override async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await base.DisposeAsync();
    }

    [Fact]
    public async Task EveryEventArrivesSignedWithTheAppointmentAsGetShowsIt()
    {
        var tenant = await SignUpAsync();
        var (hook, secret) = await tenant.SubscribeAsync(_receiver.Url);
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("09:00", new { note = "Ünïcode + <tags>" }));
        await DeliverAsync();
        var shown = (await tenant.GetAsync($"/api/v2/appointment/{id}")).Data[0];
        Assert.Equal(0, (await tenant.PutJsonAsync($"/api/v2/appointment/{id}", new { start_date = $"{BookingTestData.Day} 11:00" })).StatusCode);
        Assert.Equal(0, (await tenant.PutJsonAsync($"/api/v2/appointment/{id}", new { status = 3 })).StatusCode);
        await DeliverAsync();

        var received = _receiver.Received;
        Assert.Equal(3, received.Count);
        Assert.All(received, r => Assert.True(StandardWebhooksVerifier.Verify(secret, r), $"signature of {r.Id} does not verify"));
        Assert.All(received, r => Assert.StartsWith("application/json", r.ContentType));
        // Deliveries go out side by side: webhooks promise no order, so each is found by its type.
        var bodies = received.Select(r => JsonDocument.Parse(r.Body).RootElement).OrderBy(b => b.GetProperty("type").GetString() switch
        {
            "appointment.created" => 0,
            "appointment.rescheduled" => 1,
            _ => 2,
        }).ToList();
        Assert.Equal(["appointment.created", "appointment.rescheduled", "appointment.canceled"], bodies.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal(received.Select(r => r.Id).Order(), bodies.Select(b => b.GetProperty("id").GetString()).Order());
        Assert.Equal(3, received.Select(r => r.Id).Distinct().Count());
        Assert.All(bodies, b => Assert.Equal(tenant.CompanyId, b.GetProperty("company_id").GetInt64()));
        Assert.Equal(["id", "type", "created_at", "company_id", "version", "data"], bodies[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal([1L, 2L, 3L], bodies.Select(b => b.GetProperty("version").GetInt64()));
        Assert.Equal("2031-03-01T12:00:00.000Z", bodies[0].GetProperty("created_at").GetString());
        Assert.Equal(shown.GetRawText(), bodies[0].GetProperty("data").GetRawText());
        var previous = bodies[1].GetProperty("data").GetProperty("previous");
        Assert.Equal(($"{BookingTestData.Day} 09:00", shop.Employee), (previous.GetProperty("start_date").GetString(), previous.GetProperty("employee_id").GetInt64()));
        Assert.Equal($"{BookingTestData.Day} 11:00", bodies[1].GetProperty("data").GetProperty("start_date").GetString());
        Assert.All(received, r => Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), r.Timestamp));
        var log = await DeliveriesAsync(tenant, hook);
        Assert.Equal(3, log.Count);
        Assert.All(log, d => Assert.Equal(("delivered", 1, 200), (d.GetProperty("status").GetString(), d.GetProperty("attempt_count").GetInt32(), d.GetProperty("last_status_code").GetInt32())));
    }

    [Fact]
    public async Task AReceiverAnswering500TwiceGetsTheEventOnTheThirdAttemptAndTheLogShowsAllThree()
    {
        var tenant = await SignUpAsync();
        var (hook, secret) = await tenant.SubscribeAsync(_receiver.Url);
        var shop = await tenant.OpenShopAsync();
        _receiver.Answer(new ScriptedAnswer(500, Body: "database down"), new ScriptedAnswer(500));
        await tenant.BookIdAsync(shop.Booking("09:00"));

        await DeliverAsync();
        _clock.Advance(TimeSpan.FromSeconds(4));
        await DeliverAsync();
        Assert.Equal(1, _receiver.Count);
        _clock.Advance(TimeSpan.FromSeconds(2));
        await DeliverAsync();
        Assert.Equal(2, _receiver.Count);
        _clock.Advance(TimeSpan.FromMinutes(6));
        await DeliverAsync();

        var received = _receiver.Received;
        Assert.Equal(3, received.Count);
        Assert.Single(received.Select(r => r.Id).Distinct());
        Assert.Single(received.Select(r => r.Body).Distinct());
        Assert.All(received, r => Assert.True(StandardWebhooksVerifier.Verify(secret, r)));
        var delivery = Assert.Single(await DeliveriesAsync(tenant, hook));
        Assert.Equal(("delivered", 3), (delivery.GetProperty("status").GetString(), delivery.GetProperty("attempt_count").GetInt32()));
        Assert.Equal(received[0].Id, delivery.GetProperty("event_id").GetString());
        var attempts = delivery.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([500, 500, 200], attempts.Select(a => a.GetProperty("status_code").GetInt32()));
        Assert.Equal([1, 2, 3], attempts.Select(a => a.GetProperty("attempt").GetInt32()));
        Assert.Equal("database down", attempts[0].GetProperty("response").GetString());
        Assert.Equal("HTTP 500", attempts[0].GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, attempts[2].GetProperty("error").ValueKind);
        Assert.All(attempts, a => Assert.Equal(JsonValueKind.Number, a.GetProperty("latency_ms").ValueKind));
        Assert.Equal(["2031-03-01T12:00:00Z", "2031-03-01T12:00:06Z", "2031-03-01T12:06:06Z"], attempts.Select(a => a.GetProperty("at").GetString()));
    }

    [Fact]
    public async Task AReceiverThatIsDownWhileBookingsHappenGetsEveryEventOnceItIsBack()
    {
        var tenant = await SignUpAsync();
        var (hook, _) = await tenant.SubscribeAsync(_receiver.Url);
        var shop = await tenant.OpenShopAsync();
        await _receiver.StopAsync();
        var booked = new List<long>();
        foreach (var time in new[] { "09:00", "10:00", "11:00" })
        {
            booked.Add(await tenant.BookIdAsync(shop.Booking(time)));
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        await DeliverAsync();
        var failed = await DeliveriesAsync(tenant, hook);
        Assert.All(failed, d => Assert.Equal(("pending", 1), (d.GetProperty("status").GetString(), d.GetProperty("attempt_count").GetInt32())));
        Assert.All(failed, d => Assert.Equal(JsonValueKind.Null, d.GetProperty("attempts")[0].GetProperty("status_code").ValueKind));
        Assert.All(failed, d => Assert.False(string.IsNullOrEmpty(d.GetProperty("last_error").GetString())));

        await _receiver.RestartAsync();
        _clock.Advance(TimeSpan.FromSeconds(6));
        await DeliverAsync();
        _clock.Advance(TimeSpan.FromHours(30));
        await DeliverAsync();

        var received = _receiver.Received;
        Assert.Equal(booked, received.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("data").GetProperty("id").GetInt64()).Order());
        var log = await DeliveriesAsync(tenant, hook);
        Assert.All(log, d => Assert.Equal(("delivered", 2), (d.GetProperty("status").GetString(), d.GetProperty("attempt_count").GetInt32())));

        // Newest first, paged with start/end.
        var newest = (await tenant.GetAsync($"/api/v2/subscribe/{hook}/deliveries?start=0&end=2")).Data.EnumerateArray().ToList();
        var rest = (await tenant.GetAsync($"/api/v2/subscribe/{hook}/deliveries?start=2&end=3")).Data.EnumerateArray().ToList();
        Assert.Equal([booked[2], booked[1]], newest.Select(d => d.GetProperty("payload").GetProperty("data").GetProperty("id").GetInt64()));
        Assert.Equal([booked[0]], rest.Select(d => d.GetProperty("payload").GetProperty("data").GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task FinishedDeliveriesLeaveTheLogAfterTheRetentionWhilePendingOnesStay()
    {
        var tenant = await SignUpAsync();
        var (answered, _) = await tenant.SubscribeAsync(_receiver.Url);
        await using var down = await WebhookReceiver.StartAsync();
        var (retrying, _) = await tenant.SubscribeAsync(down.Url);
        await down.StopAsync();
        var shop = await tenant.OpenShopAsync();
        await tenant.BookIdAsync(shop.Booking("09:00"));
        await DeliverAsync();
        Assert.Equal("delivered", Assert.Single(await DeliveriesAsync(tenant, answered)).GetProperty("status").GetString());

        // Retention is 30 days (Webhooks:DeliveryRetention); each pass below also retries the pending delivery.
        _clock.Advance(TimeSpan.FromDays(29));
        await DeliverAsync();
        Assert.Single(await DeliveriesAsync(tenant, answered));

        _clock.Advance(TimeSpan.FromDays(2));
        await DeliverAsync();
        Assert.Empty(await DeliveriesAsync(tenant, answered));
        var pending = Assert.Single(await DeliveriesAsync(tenant, retrying));
        Assert.Equal(("pending", 3), (pending.GetProperty("status").GetString(), pending.GetProperty("attempt_count").GetInt32()));
    }

    /// <summary>
    /// The outbox provider's stream filter, as the host configured it: an appointment event is passed over while its
    /// company's subscriptions (held on this silo) want none of its type, and handed to the fan-out once one does, or
    /// when the list is not held here; the e-mails' notice stream always gets its events.
    /// </summary>
    [Fact]
    public async Task TheStreamFilterPassesOverOnlyAppointmentEventsNoHeldSubscriptionWants()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("09:00"));
        await DeliverAsync();
        var appointment = (await Factory.Services.GetRequiredService<IAppointmentStore>().GetAsync(tenant.CompanyId, id, CancellationToken.None))!;
        var created = new AppointmentEvent("appointment.created", tenant.CompanyId, appointment, null, _clock.GetUtcNow());
        var events = StreamId.Create(AppointmentEvent.StreamNamespace, shop.Employee);
        var notices = StreamId.Create(AppointmentEvent.NoticeStreamNamespace, id);
        var filter = Factory.Services.GetRequiredKeyedService<Orleans.Streams.Filtering.IStreamFilter>(OutboxQueues.ProviderName);

        await Factory.Services.GetRequiredService<Orleans.IGrainFactory>().GetGrain<Orleans.Runtime.IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.True(filter.ShouldDeliver(events, created, null));

        Assert.Equal(0, (await tenant.GetAsync("/api/v2/subscribe")).StatusCode);
        Assert.False(filter.ShouldDeliver(events, created, null));
        Assert.True(filter.ShouldDeliver(notices, created, null));

        var (hook, _) = await tenant.SubscribeAsync(_receiver.Url);
        Assert.True(filter.ShouldDeliver(events, created, null));
        await tenant.BookIdAsync(shop.Booking("10:00"));
        await DeliverAsync();
        Assert.Equal("appointment.created", Assert.Single(await DeliveriesAsync(tenant, hook)).GetProperty("event_type").GetString());
    }

    [Fact]
    public async Task AReminderEventIsDeliveredLikeAnyOtherAndAnEventIsNeverRecordedTwiceForOneWebhook()
    {
        var tenant = await SignUpAsync();
        var (hook, _) = await tenant.SubscribeAsync(_receiver.Url);
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("09:00"));
        var appointment = await Factory.Services.GetRequiredService<IAppointmentStore>().GetAsync(tenant.CompanyId, id, CancellationToken.None);
        // The event as a grain's outbox commits it, with its id.
        var eventId = Guid.NewGuid();
        var reminder = StreamPayload.CreateMessage(
            StreamId.Create(AppointmentEvent.StreamNamespace, appointment!.EmployeeId),
            new AppointmentEvent("appointment.reminder", tenant.CompanyId, appointment!, null, _clock.GetUtcNow()),
            eventId,
            _clock.GetUtcNow(),
            Factory.Services.GetRequiredService<GrainStateJson>().Options);
        await Factory.Services.GetRequiredService<IOutboxStore>().AppendAsync([reminder], CancellationToken.None);
        await DeliverAsync();

        // What a stream that delivers the event again would make the fan-out record: refused, the first one stays.
        var store = Factory.Services.GetRequiredService<IWebhookDeliveryStore>();
        var again = WebhookDelivery.New(987654321, tenant.CompanyId, hook, eventId, "appointment.reminder", "{}", _clock.GetUtcNow(), _clock.GetUtcNow());
        Assert.False(await store.AddAsync(again, CancellationToken.None));

        var log = await DeliveriesAsync(tenant, hook);
        Assert.Equal(["appointment.reminder", "appointment.created"], log.Select(d => d.GetProperty("event_type").GetString()).Order().Reverse());
        Assert.DoesNotContain(log, d => d.GetProperty("id").GetInt64() == 987654321);
        Assert.Equal(2, _receiver.Count);
        Assert.Single(_receiver.Received, r => r.Id == $"evt_{eventId:N}");
    }

    [Fact]
    public async Task A410GoneDisablesTheWebhookAndStopsRetrying()
    {
        var tenant = await SignUpAsync();
        var (hook, _) = await tenant.SubscribeAsync(_receiver.Url);
        var shop = await tenant.OpenShopAsync();
        _receiver.Answer(new ScriptedAnswer(410));
        await tenant.BookIdAsync(shop.Booking("09:00"));

        await DeliverAsync();
        _clock.Advance(TimeSpan.FromDays(1));
        await DeliverAsync();
        await tenant.BookIdAsync(shop.Booking("10:00"));
        await DeliverAsync();

        Assert.Equal(1, _receiver.Count);
        Assert.Equal(0, (await tenant.GetAsync($"/api/v2/subscribe/{hook}")).Data[0].GetProperty("active").GetInt32());
        var delivery = Assert.Single(await DeliveriesAsync(tenant, hook));
        Assert.Equal(("failed", 410), (delivery.GetProperty("status").GetString(), delivery.GetProperty("last_status_code").GetInt32()));
        Assert.Empty(_notifier.Sent);
    }

    [Fact]
    public async Task AReceiverSilentForFifteenSecondsIsAFailedAttemptRetriedLater()
    {
        var tenant = await SignUpAsync();
        var (hook, _) = await tenant.SubscribeAsync(_receiver.Url);
        var shop = await tenant.OpenShopAsync();
        await tenant.BookIdAsync(shop.Booking("09:00"));
        await Factory.Services.DeliverStreamsAsync();

        _receiver.Hold();
        var pass = Factory.Services.GetRequiredService<WebhookDeliveryService>().DeliverDueAsync();
        await _receiver.WaitForAsync(1);
        _clock.Advance(TimeSpan.FromSeconds(15));
        await pass;
        _receiver.Release();

        var delivery = Assert.Single(await DeliveriesAsync(tenant, hook));
        Assert.Equal("pending", delivery.GetProperty("status").GetString());
        Assert.Equal("no answer within 15 s", delivery.GetProperty("last_error").GetString());
        _clock.Advance(TimeSpan.FromSeconds(6));
        await DeliverAsync();
        Assert.Equal("delivered", Assert.Single(await DeliveriesAsync(tenant, hook)).GetProperty("status").GetString());
        Assert.Equal(2, _receiver.Count);
    }

    [Fact]
    public async Task ARedirectIsAFailedAttemptAndIsNotFollowed()
    {
        var tenant = await SignUpAsync();
        var (hook, _) = await tenant.SubscribeAsync(_receiver.Url);
        var shop = await tenant.OpenShopAsync();
        _receiver.Answer(new ScriptedAnswer(307, new Dictionary<string, string> { ["Location"] = $"http://127.0.0.1:{_receiver.Port}/elsewhere" }));
        await tenant.BookIdAsync(shop.Booking("09:00"));

        await DeliverAsync();

        Assert.Equal(["/hooks"], _receiver.Received.Select(r => r.Path));
        var delivery = Assert.Single(await DeliveriesAsync(tenant, hook));
        Assert.Equal(("pending", 307), (delivery.GetProperty("status").GetString(), delivery.GetProperty("last_status_code").GetInt32()));
        Assert.Contains("redirect", delivery.GetProperty("last_error").GetString());

        // The next attempt is the normal retry, to the subscribed URL again.
        _clock.Advance(TimeSpan.FromSeconds(6));
        await DeliverAsync();
        Assert.Equal(["/hooks", "/hooks"], _receiver.Received.Select(r => r.Path));
        Assert.Equal("delivered", Assert.Single(await DeliveriesAsync(tenant, hook)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task RetryAfterIsHonouredWhenItIsLaterThanTheSchedule()
    {
        var tenant = await SignUpAsync();
        var (hook, _) = await tenant.SubscribeAsync(_receiver.Url);
        var shop = await tenant.OpenShopAsync();
        _receiver.Answer(new ScriptedAnswer(503, new Dictionary<string, string> { ["Retry-After"] = "120" }));
        await tenant.BookIdAsync(shop.Booking("09:00"));

        await DeliverAsync();
        _clock.Advance(TimeSpan.FromSeconds(60));
        await DeliverAsync();
        Assert.Equal(1, _receiver.Count);
        _clock.Advance(TimeSpan.FromSeconds(60));
        await DeliverAsync();

        Assert.Equal(2, _receiver.Count);
        var delivery = Assert.Single(await DeliveriesAsync(tenant, hook));
        Assert.Equal(["2031-03-01T12:00:00Z", "2031-03-01T12:02:00Z"], delivery.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("at").GetString()));
        Assert.Equal("delivered", delivery.GetProperty("status").GetString());
    }

    [Fact]
    public async Task AfterTheLastRetryTheDeliveryFailsTheWebhookIsDisabledAndTheOwnerIsTold()
    {
        var tenant = await SignUpAsync();
        var (hook, _) = await tenant.SubscribeAsync(_receiver.Url);
        var shop = await tenant.OpenShopAsync();
        _receiver.Answer([.. Enumerable.Repeat(new ScriptedAnswer(500), 10)]);
        await tenant.BookIdAsync(shop.Booking("09:00"));

        await DeliverAsync();
        foreach (var delay in WebhookRetrySchedule.Delays)
        {
            var before = _receiver.Count;
            _clock.Advance(delay * 1.1 + TimeSpan.FromSeconds(1));
            await DeliverAsync();
            Assert.Equal(before + 1, _receiver.Count);
        }

        _clock.Advance(TimeSpan.FromDays(2));
        await DeliverAsync();
        Assert.Equal(10, _receiver.Count);
        var delivery = Assert.Single(await DeliveriesAsync(tenant, hook));
        Assert.Equal(("failed", 10), (delivery.GetProperty("status").GetString(), delivery.GetProperty("attempt_count").GetInt32()));
        Assert.Equal(0, (await tenant.GetAsync($"/api/v2/subscribe/{hook}")).Data[0].GetProperty("active").GetInt32());
        var mail = Assert.Single(_notifier.To(tenant.Email));
        Assert.Contains(_receiver.Url, mail.Subject);
    }

    [Fact]
    public async Task RedeliverSendsTheEventAgainUnderTheSameWebhookIdEvenAfterItFailed()
    {
        var tenant = await SignUpAsync();
        var (hook, secret) = await tenant.SubscribeAsync(_receiver.Url);
        var shop = await tenant.OpenShopAsync();
        _receiver.Answer(new ScriptedAnswer(410));
        await tenant.BookIdAsync(shop.Booking("09:00"));
        await DeliverAsync();
        var deliveryId = Assert.Single(await DeliveriesAsync(tenant, hook)).GetProperty("id").GetInt64();

        var inactive = await tenant.PostJsonAsync($"/api/v2/subscribe/{hook}/deliveries/{deliveryId}/redeliver", new { });
        Assert.Equal((400, 1), inactive.Status());
        Assert.Equal(0, (await tenant.PutJsonAsync($"/api/v2/subscribe/{hook}", new { active = 1 })).StatusCode);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var queued = await tenant.PostJsonAsync($"/api/v2/subscribe/{hook}/deliveries/{deliveryId}/redeliver", new { });
        Assert.Equal((200, 0), queued.Status());
        Assert.Equal("pending", queued.Data.GetProperty("status").GetString());
        await DeliverAsync();

        var received = _receiver.Received;
        Assert.Equal(2, received.Count);
        Assert.Equal(received[0].Id, received[1].Id);
        Assert.Equal(received[0].Body, received[1].Body);
        Assert.True(StandardWebhooksVerifier.Verify(secret, received[1]));
        var delivery = Assert.Single(await DeliveriesAsync(tenant, hook));
        Assert.Equal(("delivered", 2), (delivery.GetProperty("status").GetString(), delivery.GetProperty("attempt_count").GetInt32()));
        Assert.Equal([410, 200], delivery.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("status_code").GetInt32()));
    }

    [Fact]
    public async Task RedeliverWhileAWorkerIsSendingTheDeliveryIsAConflict()
    {
        var tenant = await SignUpAsync();
        var (hook, _) = await tenant.SubscribeAsync(_receiver.Url);
        var shop = await tenant.OpenShopAsync();
        await tenant.BookIdAsync(shop.Booking("09:00"));
        await Factory.Services.DeliverStreamsAsync();
        var deliveryId = Assert.Single(await DeliveriesAsync(tenant, hook)).GetProperty("id").GetInt64();

        _receiver.Hold();
        var pass = Factory.Services.GetRequiredService<WebhookDeliveryService>().DeliverDueAsync();
        await _receiver.WaitForAsync(1);
        var during = await tenant.PostJsonAsync($"/api/v2/subscribe/{hook}/deliveries/{deliveryId}/redeliver", new { });
        _receiver.Release();
        await pass;
        var after = await tenant.PostJsonAsync($"/api/v2/subscribe/{hook}/deliveries/{deliveryId}/redeliver", new { });
        await DeliverAsync();

        Assert.Equal((409, 5), during.Status());
        Assert.Equal((200, 0), after.Status());
        Assert.Equal(2, _receiver.Count);
        Assert.Equal(2, Assert.Single(await DeliveriesAsync(tenant, hook)).GetProperty("attempt_count").GetInt32());
    }

    [Fact]
    public async Task DeliveryRoutesRefuseMalformedAndUnknownIds()
    {
        var tenant = await SignUpAsync();
        var (hook, _) = await tenant.SubscribeAsync(_receiver.Url);

        Assert.Equal((400, 1), (await tenant.GetAsync("/api/v2/subscribe/abc/deliveries")).Status());
        Assert.Equal((400, 1), (await tenant.GetAsync($"/api/v2/subscribe/{hook}/deliveries?start=-1")).Status());
        Assert.Equal((404, 7), (await tenant.GetAsync($"/api/v2/subscribe/{hook + 1000}/deliveries")).Status());
        Assert.Equal((400, 1), (await tenant.PostJsonAsync($"/api/v2/subscribe/{hook}/deliveries/x/redeliver", new { })).Status());
        Assert.Equal((404, 7), (await tenant.PostJsonAsync($"/api/v2/subscribe/{hook}/deliveries/123456789/redeliver", new { })).Status());
        var empty = await tenant.GetAsync($"/api/v2/subscribe/{hook}/deliveries");
        Assert.Equal((200, 0, 0), (empty.HttpStatus, empty.StatusCode, empty.Data.GetArrayLength()));
    }

    [Fact]
    public async Task AnotherCompanyCannotSeeOrRedeliverTheDeliveries()
    {
        var owner = await SignUpAsync("owner");
        var (hook, _) = await owner.SubscribeAsync(_receiver.Url);
        var shop = await owner.OpenShopAsync();
        await owner.BookIdAsync(shop.Booking("09:00"));
        await DeliverAsync();
        var deliveryId = Assert.Single(await DeliveriesAsync(owner, hook)).GetProperty("id").GetInt64();
        var intruder = await SignUpAsync("intruder");
        var (ownHook, _) = await intruder.SubscribeAsync(_receiver.Url);

        var list = await intruder.GetAsync($"/api/v2/subscribe/{hook}/deliveries");
        var redeliver = await intruder.PostJsonAsync($"/api/v2/subscribe/{hook}/deliveries/{deliveryId}/redeliver", new { });
        var crossed = await intruder.PostJsonAsync($"/api/v2/subscribe/{ownHook}/deliveries/{deliveryId}/redeliver", new { });
        var ownList = await intruder.GetAsync($"/api/v2/subscribe/{ownHook}/deliveries");

        Assert.All(new[] { list, redeliver, crossed }, r => Assert.Equal((404, 7), r.Status()));
        Assert.All(new[] { list, redeliver, crossed }, r => Assert.Equal(JsonValueKind.Null, r.Data.ValueKind));
        Assert.Equal(0, ownList.Data.GetArrayLength());
        await DeliverAsync();
        Assert.Equal(1, _receiver.Count);
    }

    /// <summary>
    /// Runs the stream pump (events become deliveries), then one delivery pass. On PostgreSQL the tests of a class
    /// share a database, so a pass may also send other tests' deliveries: tests count what their receiver saw.
    /// </summary>
    private async Task DeliverAsync()
    {
        await Factory.Services.DeliverStreamsAsync();
        await Factory.Services.GetRequiredService<WebhookDeliveryService>().DeliverDueAsync();
    }

    private static async Task<List<JsonElement>> DeliveriesAsync(Tenant tenant, long hook)
    {
        var log = await tenant.GetAsync($"/api/v2/subscribe/{hook}/deliveries");
        Assert.True(log.StatusCode == 0, log.StatusDescriptions);
        return [.. log.Data.EnumerateArray()];
    }
}

public sealed class WebhookDeliveryMemoryTests(MemoryApiStorage storage) : WebhookDeliveryTests<MemoryApiStorage>(storage);

public sealed class WebhookDeliveryPostgresTests(PostgresApiStorage storage) : WebhookDeliveryTests<PostgresApiStorage>(storage);
