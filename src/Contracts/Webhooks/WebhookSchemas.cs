using Scheduling.Contracts.Records;

namespace Scheduling.Contracts.Webhooks;

/// <summary>A webhook subscription's attributes as the reference names them (GET/POST/PUT /subscribe).</summary>
public static class WebhookSchemas
{
    public const int MaxTargetUrlLength = 2048;

    public static RecordSchema Subscription { get; } = new("webhook",
    [
        new("id", FieldKind.Long) { ReadOnly = true },
        new("company_id", FieldKind.Long) { ReadOnly = true },
        new("target_url", FieldKind.Text) { Required = true, MaxLength = MaxTargetUrlLength },
        // Names or {event, active} objects, or a comma-separated text: read by its own parser, not by Bind.
        new("events", FieldKind.Json) { ReadOnly = true },
        new("active", FieldKind.Flag) { Default = FieldValues.Number(1) },
        new("verification_key", FieldKind.Text) { ReadOnly = true },
        new("created_at", FieldKind.Text) { ReadOnly = true },
        new("updated_at", FieldKind.Text) { ReadOnly = true },
    ]);
}
