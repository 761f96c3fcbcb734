using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Webhooks;
using Scheduling.Grains.Webhooks;

namespace Scheduling.ApiHost.Subscriptions;

/// <summary>Webhook subscriptions (reference "Webhooks", SPEC §9) and their deliveries (GET .../deliveries, POST .../redeliver).</summary>
public static class SubscriptionsApi
{
    public static IEndpointRouteBuilder MapSubscriptionsApi(this IEndpointRouteBuilder endpoints)
    {
        var subscribe = endpoints.MapGroup("/api/v2/subscribe");
        subscribe.MapGet("/", ListAsync);
        subscribe.MapGet("/{id}", GetAsync);
        subscribe.MapPost("/", CreateAsync);
        subscribe.MapPut("/{id}", UpdateAsync);
        subscribe.MapDelete("/{id}", DeleteAsync);
        subscribe.MapGet("/{id}/deliveries", ListDeliveriesAsync);
        subscribe.MapPost("/{id}/deliveries/{delivery_id}/redeliver", RedeliverAsync);
        return endpoints;
    }

    /// <summary>
    /// Filters of the reference: <c>target_url</c>, <c>active</c>, <c>verification_key</c> (exact), and
    /// <c>created_at</c> / <c>updated_at</c>: at or after that time, so a client can ask what changed since.
    /// </summary>
    private static async Task<IResult> ListAsync(ApiCall call)
    {
        var request = call.Request;
        var page = request.GetPage();
        var target = NonEmpty(request.GetString("target_url", WebhookSchemas.MaxTargetUrlLength));
        var active = request.GetBool("active");
        var key = NonEmpty(request.GetString("verification_key", 128));
        var createdSince = Since(request, "created_at");
        var updatedSince = Since(request, "updated_at");
        var subscriptions = await SubscriptionsOf(call).ListAsync();
        var shown = subscriptions.Where(s =>
            (target is null || string.Equals(s.TargetUrl, target.Trim(), StringComparison.Ordinal))
            && (active is null || s.Active == active)
            && (key is null || string.Equals(s.VerificationKey, key, StringComparison.Ordinal))
            && (createdSince is null || s.CreatedAt >= createdSince)
            && (updatedSince is null || s.UpdatedAt >= updatedSince));
        return ApiEnvelope.Ok(page.Apply(shown).Select(View).ToList());
    }

    // The reference answers a single webhook as a one-item list, like the list it is a filter of.
    private static async Task<IResult> GetAsync(string id, ApiCall call)
    {
        var subscriptionId = ApiRequest.PathId(id);
        var subscription = await SubscriptionsOf(call).GetAsync(subscriptionId) ?? throw new NotFoundException($"webhook {subscriptionId} not found");
        return ApiEnvelope.Ok(new[] { View(subscription) });
    }

    private static async Task<IResult> CreateAsync(ApiCall call) =>
        ApiEnvelope.Ok(View(await SubscriptionsOf(call).CreateAsync(Change(call.Request, create: true))), StatusCodes.Status201Created);

    private static async Task<IResult> UpdateAsync(string id, ApiCall call)
    {
        var subscriptionId = ApiRequest.PathId(id);
        return ApiEnvelope.Ok(View(await SubscriptionsOf(call).UpdateAsync(subscriptionId, Change(call.Request, create: false))));
    }

    private static async Task<IResult> DeleteAsync(string id, ApiCall call)
    {
        await SubscriptionsOf(call).DeleteAsync(ApiRequest.PathId(id));
        return ApiEnvelope.Ok(new Dictionary<string, object?>());
    }

    /// <summary>
    /// The webhook's deliveries, newest event first (paged with start/end), each with every attempt: when, the receiver's
    /// status code, latency and answer excerpt, or why there was no answer.
    /// </summary>
    private static async Task<IResult> ListDeliveriesAsync(string id, ApiCall call, IWebhookDeliveryStore deliveries, CancellationToken cancellationToken)
    {
        var subscription = await RequireAsync(call, id);
        var page = call.Request.GetPage();
        var rows = await deliveries.ListAsync(call.CompanyId, subscription.Id, page.Skip, page.Take, cancellationToken);
        return ApiEnvelope.Ok(rows.Select(DeliveryView).ToList());
    }

    /// <summary>
    /// Queues another attempt now, whatever the delivery's status (also after it failed), under the same webhook-id;
    /// 409 / 5 while a worker is sending it (that attempt's record would overwrite the request).
    /// </summary>
    private static async Task<IResult> RedeliverAsync(
        string id,
        [FromRoute(Name = "delivery_id")] string deliveryId,
        ApiCall call,
        IWebhookDeliveryStore deliveries,
        WebhookDeliverySignal signal,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var subscription = await RequireAsync(call, id);
        var delivery = ApiRequest.PathId(deliveryId, "delivery_id");
        if (!subscription.Active)
        {
            throw ApiException.InvalidField("id", $"webhook {subscription.Id} is not active; switch it on (PUT /subscribe/{subscription.Id} with active=1) before redelivering");
        }

        var now = time.GetUtcNow();
        switch (await deliveries.RedeliverAsync(call.CompanyId, subscription.Id, delivery, now, cancellationToken))
        {
            case WebhookRedelivery.NotFound:
                throw new NotFoundException($"delivery {delivery} not found");
            case WebhookRedelivery.InFlight:
                throw new SaveConflictException($"delivery {delivery} is being sent right now; ask again once this attempt shows in its log");
        }

        signal.Signal();
        return ApiEnvelope.Ok(new Dictionary<string, object?> { ["id"] = delivery, ["status"] = WebhookDeliveryStatus.Pending, ["next_attempt_at"] = Iso(now) });
    }

    private static async Task<WebhookSubscription> RequireAsync(ApiCall call, string id)
    {
        var subscriptionId = ApiRequest.PathId(id);
        return await SubscriptionsOf(call).GetAsync(subscriptionId) ?? throw new NotFoundException($"webhook {subscriptionId} not found");
    }

    private static Dictionary<string, object?> DeliveryView(WebhookDeliveryRecord record)
    {
        var delivery = record.Delivery;
        using var payload = JsonDocument.Parse(delivery.Body);
        return new Dictionary<string, object?>
        {
            ["id"] = delivery.Id,
            ["subscription_id"] = delivery.SubscriptionId,
            ["company_id"] = delivery.CompanyId,
            ["event_id"] = WebhookPayload.EventId(delivery.EventId),
            ["event_type"] = delivery.EventType,
            ["status"] = delivery.Status,
            ["attempt_count"] = delivery.Attempts,
            ["next_attempt_at"] = delivery.Status == WebhookDeliveryStatus.Pending ? Iso(delivery.NextAttemptAt) : null,
            ["created_at"] = Iso(delivery.CreatedAt),
            ["delivered_at"] = delivery.DeliveredAt is { } delivered ? Iso(delivered) : null,
            ["last_status_code"] = delivery.LastStatusCode,
            ["last_error"] = delivery.LastError,
            ["payload"] = payload.RootElement.Clone(),
            ["attempts"] = record.Attempts.Select(a => new Dictionary<string, object?>
            {
                ["attempt"] = a.Number,
                ["at"] = Iso(a.At),
                ["status_code"] = a.StatusCode,
                ["latency_ms"] = a.LatencyMs,
                ["error"] = a.Error,
                ["response"] = a.ResponseExcerpt,
            }).ToList(),
        };
    }

    private static IWebhookSubscriptionsGrain SubscriptionsOf(ApiCall call) => call.Grains.GetGrain<IWebhookSubscriptionsGrain>(call.CompanyId);

    private static WebhookSubscriptionChange Change(ApiRequest request, bool create)
    {
        var values = WebhookSchemas.Subscription.Bind(request.Fields, create);
        ImmutableArray<WebhookEventChoice>? events = request.GetElement("events") is { } given ? WebhookEventList.Parse(given) : null;
        if (create && events is null)
        {
            throw ApiException.InvalidField("events", $"at least one event is required: {string.Join(", ", WebhookEvents.Known)} or \"*\" for all");
        }

        return new WebhookSubscriptionChange(values.GetText("target_url")?.Trim(), events, values.GetBool("active"));
    }

    private static IReadOnlyDictionary<string, object?> View(WebhookSubscription subscription) =>
        WebhookSchemas.Subscription.Render(ImmutableDictionary<string, JsonElement>.Empty, new Dictionary<string, object?>
        {
            ["id"] = subscription.Id,
            ["company_id"] = subscription.CompanyId,
            ["target_url"] = subscription.TargetUrl,
            ["events"] = subscription.Events.Select(e => new Dictionary<string, object?>
            {
                ["id"] = e.Id,
                ["event"] = e.Event,
                ["active"] = e.Active ? 1 : 0,
                ["created_at"] = Iso(e.CreatedAt),
            }).ToList(),
            ["active"] = subscription.Active ? 1 : 0,
            ["verification_key"] = subscription.VerificationKey,
            ["created_at"] = Iso(subscription.CreatedAt),
            ["updated_at"] = Iso(subscription.UpdatedAt),
        });

    private static DateTimeOffset? Since(ApiRequest request, string field)
    {
        if (NonEmpty(request.GetString(field, 64)) is not { } text)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since)
            ? since
            : throw new FieldValidationException(field, "must be a date-time, e.g. 2031-03-03T00:00:00Z");
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
