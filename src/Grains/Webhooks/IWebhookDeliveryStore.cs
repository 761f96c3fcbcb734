namespace Scheduling.Grains.Webhooks;

/// <summary>
/// The deliveries table and its attempts (DESIGN §6-§7): a durable queue the delivery workers claim from under a
/// lease, so any number of workers can run and a crashed worker's claims come back when the lease runs out.
/// Every time comes from the caller (the application's clock).
/// </summary>
public interface IWebhookDeliveryStore
{
    /// <summary>Records a delivery unless one exists for the same (event id, subscription); true when this call added it.</summary>
    Task<bool> AddAsync(WebhookDelivery delivery, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="max"/> pending deliveries whose next attempt is due and whose lease is free or
    /// expired, oldest due first, leasing them to <paramref name="owner"/> until now + lease. Concurrent claimers
    /// never receive the same delivery while its lease holds.
    /// </summary>
    Task<IReadOnlyList<WebhookDelivery>> ClaimAsync(string owner, int max, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a claim: stores the attempt (when one was made) and the delivery's new state, and frees the lease.
    /// False, with nothing written, when the lease is no longer <paramref name="owner"/>'s (it expired and another
    /// worker took the delivery over).
    /// </summary>
    Task<bool> RecordAsync(string owner, long deliveryId, WebhookAttempt? attempt, WebhookDeliveryUpdate update, CancellationToken cancellationToken);

    /// <summary>A subscription's deliveries, newest event first (deliveries are recorded side by side), each with its attempts.</summary>
    Task<IReadOnlyList<WebhookDeliveryRecord>> ListAsync(long companyId, long subscriptionId, int skip, int take, CancellationToken cancellationToken);

    /// <summary>
    /// Queues another attempt now (pending, due at <paramref name="now"/>), whatever the delivery's status, unless a
    /// worker holds it right now (its attempt would overwrite the request when it records).
    /// </summary>
    Task<WebhookRedelivery> RedeliverAsync(long companyId, long subscriptionId, long deliveryId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>When a delivery of the subscription last succeeded; null when none ever did.</summary>
    Task<DateTimeOffset?> LastDeliveredAtAsync(long subscriptionId, CancellationToken cancellationToken);

    Task<WebhookDeliveryStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes up to <paramref name="max"/> finished deliveries (delivered, failed or canceled) recorded before
    /// <paramref name="recordedBefore"/>, oldest first, with their attempts; returns how many went. Pending ones stay.
    /// </summary>
    Task<int> PurgeFinishedAsync(DateTimeOffset recordedBefore, int max, CancellationToken cancellationToken);
}

/// <summary>What a redelivery request came to.</summary>
public enum WebhookRedelivery
{
    /// <summary>The company has no such delivery for that subscription.</summary>
    NotFound,

    /// <summary>A worker is sending it at this moment; ask again once its attempt is recorded.</summary>
    InFlight,

    Queued,
}
