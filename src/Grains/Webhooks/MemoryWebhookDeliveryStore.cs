namespace Scheduling.Grains.Webhooks;

/// <summary>Deliveries in process memory (the embedded default), behind one lock, answering as the PostgreSQL table does.</summary>
public sealed class MemoryWebhookDeliveryStore : IWebhookDeliveryStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Row> _rows = [];
    private readonly HashSet<(Guid EventId, long SubscriptionId)> _events = [];

    public Task<bool> AddAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        lock (_lock)
        {
            if (!_events.Add((delivery.EventId, delivery.SubscriptionId)))
            {
                return Task.FromResult(false);
            }

            _rows.Add(delivery.Id, new Row(delivery));
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<WebhookDelivery>> ClaimAsync(string owner, int max, TimeSpan lease, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var due = _rows.Values
                .Where(r => r.Delivery.Status == WebhookDeliveryStatus.Pending && r.Delivery.NextAttemptAt <= now && (r.LeaseUntil is null || r.LeaseUntil <= now))
                .OrderBy(r => r.Delivery.NextAttemptAt).ThenBy(r => r.Delivery.Id)
                .Take(max)
                .ToList();
            foreach (var row in due)
            {
                row.LeaseOwner = owner;
                row.LeaseUntil = now + lease;
            }

            return Task.FromResult<IReadOnlyList<WebhookDelivery>>([.. due.Select(r => r.Delivery)]);
        }
    }

    public Task<bool> RecordAsync(string owner, long deliveryId, WebhookAttempt? attempt, WebhookDeliveryUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_lock)
        {
            if (!_rows.TryGetValue(deliveryId, out var row) || row.LeaseOwner != owner)
            {
                return Task.FromResult(false);
            }

            if (attempt is not null)
            {
                row.Attempts.Add(attempt);
            }

            row.Delivery = row.Delivery with
            {
                Status = update.Status,
                Attempts = attempt?.Number ?? row.Delivery.Attempts,
                NextAttemptAt = update.NextAttemptAt,
                DeliveredAt = update.DeliveredAt ?? row.Delivery.DeliveredAt,
                LastStatusCode = update.StatusCode,
                LastError = update.Error,
            };
            row.LeaseOwner = null;
            row.LeaseUntil = null;
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<WebhookDeliveryRecord>> ListAsync(long companyId, long subscriptionId, int skip, int take, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<WebhookDeliveryRecord>>([.. _rows.Values
                .Where(r => r.Delivery.CompanyId == companyId && r.Delivery.SubscriptionId == subscriptionId)
                .OrderByDescending(r => r.Delivery.EventCreatedAt).ThenByDescending(r => r.Delivery.Id)
                .Skip(skip)
                .Take(take)
                .Select(r => new WebhookDeliveryRecord(r.Delivery, [.. r.Attempts]))]);
        }
    }

    public Task<WebhookRedelivery> RedeliverAsync(long companyId, long subscriptionId, long deliveryId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_rows.TryGetValue(deliveryId, out var row) || row.Delivery.CompanyId != companyId || row.Delivery.SubscriptionId != subscriptionId)
            {
                return Task.FromResult(WebhookRedelivery.NotFound);
            }

            if (row.LeaseUntil > now)
            {
                return Task.FromResult(WebhookRedelivery.InFlight);
            }

            row.Delivery = row.Delivery with { Status = WebhookDeliveryStatus.Pending, NextAttemptAt = now };
            return Task.FromResult(WebhookRedelivery.Queued);
        }
    }

    public Task<DateTimeOffset?> LastDeliveredAtAsync(long subscriptionId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_rows.Values
                .Where(r => r.Delivery.SubscriptionId == subscriptionId && r.Delivery.DeliveredAt is not null)
                .Max(r => r.Delivery.DeliveredAt));
        }
    }

    public Task<WebhookDeliveryStats> GetStatsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var pending = _rows.Values.Where(r => r.Delivery.Status == WebhookDeliveryStatus.Pending).ToList();
            var oldest = pending.Count == 0 ? now : pending.Min(r => r.Delivery.CreatedAt);
            return Task.FromResult(new WebhookDeliveryStats(pending.Count, now > oldest ? now - oldest : TimeSpan.Zero));
        }
    }

    public Task<int> PurgeFinishedAsync(DateTimeOffset recordedBefore, int max, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var old = _rows.Values
                .Where(r => r.Delivery.Status != WebhookDeliveryStatus.Pending && r.Delivery.CreatedAt < recordedBefore)
                .OrderBy(r => r.Delivery.Id)
                .Take(max)
                .ToList();
            foreach (var row in old)
            {
                _rows.Remove(row.Delivery.Id);
                _events.Remove((row.Delivery.EventId, row.Delivery.SubscriptionId));
            }

            return Task.FromResult(old.Count);
        }
    }

    // Mutable, but only ever touched under the store's lock.
    private sealed class Row(WebhookDelivery delivery)
    {
        public WebhookDelivery Delivery { get; set; } = delivery;

        public List<WebhookAttempt> Attempts { get; } = [];

        public string? LeaseOwner { get; set; }

        public DateTimeOffset? LeaseUntil { get; set; }
    }
}
