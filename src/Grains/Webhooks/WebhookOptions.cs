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
}
