namespace Scheduling.Grains.Webhooks;

/// <summary>Webhook settings (section "Webhooks").</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>
    /// Allow target URLs on private, loopback and link-local addresses. Off by default: a webhook is a request
    /// the server makes on a tenant's behalf, and it must not reach the server's own network. Tests and
    /// single-host setups turn it on.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>How long a receiver has to answer an attempt (SPEC §9: 15 s); longer counts as a failed attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often a delivery worker looks for due deliveries when nothing woke it: retries falling due, and
    /// deliveries recorded by other silos (deliveries recorded in the same process wake it at once).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claimed delivery stays with its worker; a worker that dies gives it up after this. Keep it above <see cref="Timeout"/>.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most deliveries one worker sends at once.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// How long finished deliveries (delivered, failed, canceled) and their attempts stay in the log and can be
    /// redelivered; older ones are deleted by the delivery workers. Pending deliveries are never deleted.
    /// </summary>
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often a delivery worker deletes deliveries past <see cref="DeliveryRetention"/>.</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);
}
