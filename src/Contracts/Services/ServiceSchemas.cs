using System.Text.Json;
using Scheduling.Contracts.Records;

namespace Scheduling.Contracts.Services;

/// <summary>A service's fields as the reference names them, in the order its responses list them.</summary>
public static class ServiceSchemas
{
    private static readonly JsonElement True = JsonSerializer.SerializeToElement(true);
    private static readonly JsonElement False = JsonSerializer.SerializeToElement(false);
    private static readonly JsonElement Zero = JsonSerializer.SerializeToElement(0);
    private static readonly JsonElement One = JsonSerializer.SerializeToElement(1);
    private static readonly JsonElement Empty = JsonSerializer.SerializeToElement(string.Empty);
    private static readonly JsonElement EmptyArray = JsonSerializer.SerializeToElement(Array.Empty<int>());

    public static RecordSchema Service { get; } = new("service",
    [
        new("id", FieldKind.Long) { ReadOnly = true },
        new("name", FieldKind.Text) { Required = true, MaxLength = 128 },
        new("company_id", FieldKind.Long) { ReadOnly = true },
        // Minutes (60 when not given); validated further (multiples of 5) by the service rules.
        new("duration", FieldKind.Int) { Min = 5, Max = 1440, Default = JsonSerializer.SerializeToElement(60) },
        Text("description", 10_000),
        new("auto_confirm", FieldKind.Bool) { Default = False },
        new("is_subservice", FieldKind.Bool) { Default = False },
        new("require_addon", FieldKind.Int) { AllowedValues = ["0", "1"], Default = Zero },
        new("duration_padding", FieldKind.Int) { Min = 0, Max = 1440, Default = Zero },
        new("max_clients", FieldKind.Int) { Min = 0, Max = 100_000, Default = Zero },
        Hours("prior_notice"),
        new("after_notice", FieldKind.Int) { Min = 0, Max = 3650, Default = Zero },
        Hours("cancel_appointment"),
        Hours("reschedule_appointment"),
        Hours("send_reminder"),
        new("start_step", FieldKind.Int) { Min = 0, Max = 1440, Default = Zero },
        new("set_schedule", FieldKind.Bool) { Default = False },
        // Validated and normalized by the service rules (SPEC §5).
        new("schedule", FieldKind.Json) { Default = EmptyArray },
        // Beyond the reference: the add-ons (services with is_subservice) a client may add to this service.
        new("subservices", FieldKind.Json) { Default = EmptyArray },
        new("price", FieldKind.Decimal) { Min = 0, Default = Zero },
        new("payment_min_amount", FieldKind.Decimal) { Min = 0, Default = Zero },
        new("allow_cash_payment", FieldKind.Bool) { Default = False },
        new("group_session", FieldKind.Int) { Min = 0, Max = 10_000, Default = Zero },
        new("waiting_list", FieldKind.Int) { Min = 0, Max = 1, Default = Zero },
        Text("client_instructions", 10_000),
        Text("widget_message", 10_000),
        Text("password", 128),
        new("ord", FieldKind.Int) { ReadOnly = true },
        new("created_at", FieldKind.Text) { ReadOnly = true },
        // "YYYY-MM-DD" or null (no limit); an empty string clears the date (reference).
        new("active_from", FieldKind.Text) { MaxLength = 32 },
        new("active_until", FieldKind.Text) { MaxLength = 32 },
        new("active_interval_status", FieldKind.Bool) { Default = True },
        new("status", FieldKind.Bool) { Default = True },
        new("active_rules", FieldKind.Int) { Min = 0, Max = 1, Default = One },
        Text("photo", 1_000),
        // A list filter of the reference; this server never creates placeholder services.
        new("tmp_default", FieldKind.Bool) { ReadOnly = true, Default = False },
    ]);

    private static FieldSpec Text(string name, int maxLength) =>
        new(name, FieldKind.Text) { MaxLength = maxLength, Default = Empty };

    private static FieldSpec Hours(string name) =>
        new(name, FieldKind.Int) { Min = 0, Max = 8760, Default = Zero };
}
