using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Services;
using Scheduling.Grains.Catalog;

namespace Scheduling.Grains.Services;

/// <summary>
/// A service's <c>schedule</c> (SPEC §5): repeat 0 once / 1 weekly (days 1-7, 1 = Monday) / 2 monthly
/// (days = day of month); dates "D/M/YYYY"; times <c>{hour, min, am}</c>. Read strictly into typed
/// entries, written back in one normalized form.
/// </summary>
public static class ServiceSchedules
{
    public const string Field = "schedule";

    private const int MaxEntries = 366;

    public static ImmutableArray<ServiceScheduleEntry> Parse(JsonElement schedule)
    {
        var document = DocumentFields.Parsed(schedule, Field);
        if (document.ValueKind == JsonValueKind.Object)
        {
            return [ParseEntry(document, $"{Field}[0]")];
        }

        if (document.ValueKind != JsonValueKind.Array)
        {
            throw new FieldValidationException(Field, "must be an array of schedule entries");
        }

        if (document.GetArrayLength() > MaxEntries)
        {
            throw new FieldValidationException(Field, $"more than {MaxEntries} entries");
        }

        var entries = ImmutableArray.CreateBuilder<ServiceScheduleEntry>();
        foreach (var item in document.EnumerateArray())
        {
            entries.Add(ParseEntry(item, $"{Field}[{entries.Count}]"));
        }

        return entries.ToImmutable();
    }

    public static JsonElement Render(ImmutableArray<ServiceScheduleEntry> entries) =>
        JsonSerializer.SerializeToElement(entries.Select(e => new Dictionary<string, object?>
        {
            ["repeat"] = (int)e.Repeat,
            ["start_date"] = CatalogDates.FormatDayFirst(e.StartDate),
            ["start_time"] = Clock(e.Window.StartMinute),
            ["end_date"] = e.EndDate is { } end ? CatalogDates.FormatDayFirst(end) : null,
            ["end_time"] = Clock(e.Window.EndMinute),
            ["days"] = e.Days.ToDictionary(d => d.ToString(CultureInfo.InvariantCulture), _ => 1),
        }));

    private static ServiceScheduleEntry ParseEntry(JsonElement item, string path)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new FieldValidationException(path, "must be an object");
        }

        var repeat = (ScheduleRepeat)DocumentFields.Int(DocumentFields.Required(item, "repeat", path), $"{path}.repeat", 0, 2);
        var start = CatalogDates.ParseDayFirst(DocumentFields.Text(DocumentFields.Required(item, "start_date", path), $"{path}.start_date"), $"{path}.start_date");
        DateOnly? end = DocumentFields.Member(item, "end_date") is { } endValue
            ? CatalogDates.ParseDayFirst(DocumentFields.Text(endValue, $"{path}.end_date"), $"{path}.end_date")
            : null;
        if (end < start)
        {
            throw new FieldValidationException($"{path}.end_date", "is before start_date");
        }

        var from = Minute(DocumentFields.Required(item, "start_time", path), $"{path}.start_time", end: false);
        var to = Minute(DocumentFields.Required(item, "end_time", path), $"{path}.end_time", end: true);
        if (to <= from)
        {
            throw new FieldValidationException($"{path}.end_time", "must be after start_time");
        }

        var days = repeat switch
        {
            ScheduleRepeat.Weekly => Days(item, path, 7, "weekdays 1 (Monday) to 7 (Sunday)"),
            ScheduleRepeat.Monthly => Days(item, path, 31, "days of the month 1 to 31"),
            _ => [],
        };
        return new ServiceScheduleEntry(repeat, start, end, new TimeOfDayRange(from, to), days);
    }

    /// <summary>{hour 1-12, min 0-59, am "am"|"pm"}; 12:00 am as an end time means midnight at the end of the day.</summary>
    private static int Minute(JsonElement time, string path, bool end)
    {
        if (time.ValueKind != JsonValueKind.Object)
        {
            throw new FieldValidationException(path, "must be {\"hour\": 1-12, \"min\": 0-59, \"am\": \"am\"|\"pm\"}");
        }

        var hour = DocumentFields.Int(DocumentFields.Required(time, "hour", path), $"{path}.hour", 1, 12);
        var minute = DocumentFields.Member(time, "min") is { } min ? DocumentFields.Int(min, $"{path}.min", 0, 59) : 0;
        var half = DocumentFields.Text(DocumentFields.Required(time, "am", path), $"{path}.am").Trim().ToLowerInvariant();
        if (half is not ("am" or "pm"))
        {
            throw new FieldValidationException($"{path}.am", "must be \"am\" or \"pm\"");
        }

        var value = ((hour % 12) + (half == "pm" ? 12 : 0)) * 60 + minute;
        return end && value == 0 ? TimeOfDayRange.MinutesPerDay : value;
    }

    /// <summary>{"2": 1, "3": 1, ...} (values 0/1), or a plain list [2, 3]; at least one day.</summary>
    private static ImmutableArray<int> Days(JsonElement item, string path, int last, string meaning)
    {
        var daysPath = $"{path}.days";
        var value = DocumentFields.Member(item, "days") ?? throw new FieldValidationException(daysPath, $"is required: {meaning}");
        var days = new SortedSet<int>();
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    var day = DocumentFields.Int(JsonSerializer.SerializeToElement(property.Name), $"{daysPath}.{property.Name}", 1, last);
                    if (DocumentFields.Flag(property.Value, $"{daysPath}.{property.Name}"))
                    {
                        days.Add(day);
                    }
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var element in value.EnumerateArray())
                {
                    days.Add(DocumentFields.Int(element, $"{daysPath}[{index++}]", 1, last));
                }

                break;
            default:
                throw new FieldValidationException(daysPath, $"must list {meaning}");
        }

        return days.Count > 0 ? [.. days] : throw new FieldValidationException(daysPath, $"lists none of the {meaning}");
    }

    private static Dictionary<string, object> Clock(int minute)
    {
        var hour24 = minute / 60 % 24;
        return new Dictionary<string, object>
        {
            ["hour"] = hour24 % 12 == 0 ? 12 : hour24 % 12,
            ["min"] = minute % 60,
            ["am"] = hour24 < 12 ? "am" : "pm",
        };
    }
}
