using System.Text.Json;
using Scheduling.Contracts.Records;

namespace Scheduling.Contracts.Locations;

/// <summary>A location's fields as the reference names them, in the order its responses list them.</summary>
public static class LocationSchemas
{
    private static readonly JsonElement False = JsonSerializer.SerializeToElement(false);
    private static readonly JsonElement Empty = JsonSerializer.SerializeToElement(string.Empty);

    public static RecordSchema Location { get; } = new("location",
    [
        new("id", FieldKind.Long) { ReadOnly = true },
        new("name", FieldKind.Text) { Required = true, MaxLength = 128 },
        Text("description", 10_000),
        new("company_id", FieldKind.Long) { ReadOnly = true },
        new("is_main", FieldKind.Bool) { ReadOnly = true, Default = False },
        new("virtual", FieldKind.Bool) { Default = False },
        Text("street1", 255),
        Text("street2", 255),
        Text("city", 128),
        Text("state", 128),
        Text("zip", 32),
        Text("country", 128),
        Text("photo", 1_000),
        Text("phone", 32),
        new("email", FieldKind.Email) { MaxLength = 254, Default = Empty },
        Text("website", 1_000),
        Text("tags", 1_000),
        new("paypal_email", FieldKind.Email) { MaxLength = 254, Default = Empty },
        new("timezone_id", FieldKind.Int) { Min = 1, Default = JsonSerializer.SerializeToElement(Accounts.AccountSchemas.DefaultTimeZoneId) },
        new("lat", FieldKind.Decimal) { Min = -90 },
        new("lng", FieldKind.Decimal) { Min = -180 },
        new("ord", FieldKind.Int) { ReadOnly = true },
        // A list filter of the reference; this server never creates placeholder locations.
        new("tmp_default", FieldKind.Bool) { ReadOnly = true, Default = False },
    ]);

    private static FieldSpec Text(string name, int maxLength) =>
        new(name, FieldKind.Text) { MaxLength = maxLength, Default = Empty };
}
