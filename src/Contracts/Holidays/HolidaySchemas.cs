using System.Text.Json;
using Scheduling.Contracts.Records;

namespace Scheduling.Contracts.Holidays;

/// <summary>A holiday's attributes as the reference names them (saveHoliday, getHoliday).</summary>
public static class HolidaySchemas
{
    public static RecordSchema Holiday { get; } = new("holiday",
    [
        new("id", FieldKind.Long) { ReadOnly = true },
        new("company_id", FieldKind.Long) { ReadOnly = true },
        new("name", FieldKind.Text) { MaxLength = 128, Default = FieldValues.Text(string.Empty) },
        new("type", FieldKind.Int) { AllowedValues = ["1", "2"] },
        // "YYYY-MM-DD[ HH:MM[:SS]]" or ISO 8601; holidays are whole days, so only the date counts.
        new("start_date", FieldKind.Text) { MaxLength = 40 },
        new("end_date", FieldKind.Text) { MaxLength = 40 },
        new("day_in_week", FieldKind.Int) { Min = 0, Max = 6, Default = Zero },
        new("month", FieldKind.Int) { Min = 0, Max = 11, Default = Zero },
        new("day_order", FieldKind.Int) { Min = 0, Max = 4, Default = Zero },
        // Computed by the server: 0 for a yearly holiday, else the year of start_date.
        new("year", FieldKind.Int) { ReadOnly = true, Default = Zero },
        new("caption", FieldKind.Text) { ReadOnly = true },
        new("enabled", FieldKind.Flag) { Default = FieldValues.Number(1) },
        // Computed by the server: Unix seconds of the holiday's first day this year, at 00:00 UTC.
        new("timestamp", FieldKind.Long) { ReadOnly = true },
    ]);

    private static JsonElement Zero => FieldValues.Number(0);
}
