using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Catalog;

namespace Scheduling.Grains.Calendars;

/// <summary>
/// The availabilities document of assignAvailability and getAvailabilityTime (SPEC §5), read strictly
/// into typed assignments and written back in its normalized form. Errors name the exact place
/// ("availabilities[1].days.mo.time[0]").
/// </summary>
public static class AvailabilityFormat
{
    public const string Field = "availabilities";

    // Bounds that keep a single request's validation cheap; far beyond any real week.
    private const int MaxAssignments = 500;
    private const int MaxRangesPerDay = 48;

    private static readonly (string Key, DayOfWeek Day)[] DayKeys =
    [
        ("mo", DayOfWeek.Monday), ("tu", DayOfWeek.Tuesday), ("we", DayOfWeek.Wednesday), ("th", DayOfWeek.Thursday),
        ("fr", DayOfWeek.Friday), ("sa", DayOfWeek.Saturday), ("su", DayOfWeek.Sunday),
    ];

    /// <summary>
    /// Reads the assignments. <paramref name="isLocation"/> says whether an id is a location of the
    /// employee's account. Working hours (type 0) of the same repeat kind may not overlap where their
    /// dates meet, even at different locations: an employee is in one place at a time. Date-interval
    /// hours may overlap weekly ones, which they replace on their dates.
    /// </summary>
    public static ImmutableArray<AvailabilityAssignment> Parse(JsonElement availabilities, Func<long, bool> isLocation)
    {
        var document = DocumentFields.Parsed(availabilities, Field);
        if (document.ValueKind != JsonValueKind.Array)
        {
            throw new FieldValidationException(Field, "must be an array of availability assignments");
        }

        if (document.GetArrayLength() > MaxAssignments)
        {
            throw new FieldValidationException(Field, $"more than {MaxAssignments} assignments");
        }

        var assignments = ImmutableArray.CreateBuilder<AvailabilityAssignment>();
        foreach (var item in document.EnumerateArray())
        {
            assignments.Add(ParseAssignment(item, $"{Field}[{assignments.Count}]", isLocation));
        }

        CheckOverlaps(assignments);
        return assignments.ToImmutable();
    }

    /// <summary>The normalized document: what getAvailabilityTime answers.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> Render(ImmutableArray<AvailabilityAssignment> assignments) =>
    [
        .. assignments.Select(a => new Dictionary<string, object?>
        {
            ["repeat"] = (int)a.Repeat,
            ["type"] = (int)a.Type,
            ["start_date"] = a.StartDate is { } start ? CatalogDates.FormatMonthFirst(start) : null,
            ["end_date"] = a.EndDate is { } end ? CatalogDates.FormatMonthFirst(end) : null,
            ["location_id"] = a.LocationId ?? 0,
            ["days"] = DayKeys
                .Where(d => a.Days.ContainsKey(d.Day))
                .ToDictionary(d => d.Key, d => (object)new Dictionary<string, object>
                {
                    ["time"] = a.Days[d.Day].Select(r => new[] { FormatTime(r.StartMinute), FormatTime(r.EndMinute) }).ToArray(),
                }),
        }),
    ];

    public static string FormatTime(int minute) =>
        string.Create(CultureInfo.InvariantCulture, $"{minute / 60:00}:{minute % 60:00}");

    private static AvailabilityAssignment ParseAssignment(JsonElement item, string path, Func<long, bool> isLocation)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new FieldValidationException(path, "must be an object");
        }

        var repeat = (AvailabilityRepeat)DocumentFields.Int(DocumentFields.Required(item, "repeat", path), $"{path}.repeat", 1, 2);
        var type = DocumentFields.Member(item, "type") is { } typeValue
            ? (AvailabilityType)DocumentFields.Int(typeValue, $"{path}.type", 0, 1)
            : AvailabilityType.Available;
        var start = Date(item, "start_date", path);
        var end = Date(item, "end_date", path);
        if (repeat == AvailabilityRepeat.DateInterval && (start is null || end is null))
        {
            throw new FieldValidationException($"{path}.{(start is null ? "start_date" : "end_date")}", "is required when repeat is 2 (date interval)");
        }

        if (start > end)
        {
            throw new FieldValidationException($"{path}.end_date", "is before start_date");
        }

        long? locationId = null;
        if (DocumentFields.Member(item, "location_id") is { } locationValue)
        {
            var id = RecordSchema.Normalize(new FieldSpec($"{path}.location_id", FieldKind.Long) { Min = 0 }, locationValue).GetInt64();
            if (id != 0 && !isLocation(id))
            {
                throw new FieldValidationException($"{path}.location_id", $"no location {id} in this account");
            }

            locationId = id == 0 ? null : id;
        }

        var days = Days(item, path);
        if (type == AvailabilityType.Available && days.Values.All(r => r.IsEmpty))
        {
            throw new FieldValidationException($"{path}.days", "lists no working hours");
        }

        return new AvailabilityAssignment(repeat, type, start, end, locationId, days);
    }

    private static DateOnly? Date(JsonElement item, string name, string path) =>
        DocumentFields.Member(item, name) is { } value
            ? CatalogDates.ParseMonthFirst(DocumentFields.Text(value, $"{path}.{name}"), $"{path}.{name}")
            : null;

    private static ImmutableDictionary<DayOfWeek, ImmutableArray<TimeOfDayRange>> Days(JsonElement item, string path)
    {
        var days = ImmutableDictionary.CreateBuilder<DayOfWeek, ImmutableArray<TimeOfDayRange>>();
        var value = DocumentFields.Member(item, "days") is { } raw ? DocumentFields.Parsed(raw, $"{path}.days") : (JsonElement?)null;
        switch (value?.ValueKind)
        {
            case null:
                return days.ToImmutable();
            case JsonValueKind.Array when value.Value.GetArrayLength() == 0:
                // Some clients encode an empty object as [].
                return days.ToImmutable();
            case JsonValueKind.Object:
                break;
            default:
                throw new FieldValidationException($"{path}.days", "must be an object keyed by mo, tu, we, th, fr, sa, su");
        }

        foreach (var property in value.Value.EnumerateObject())
        {
            var dayPath = $"{path}.days.{property.Name}";
            var key = property.Name.Trim().ToLowerInvariant();
            var day = DayKeys.FirstOrDefault(d => d.Key == key);
            if (day.Key is null)
            {
                throw new FieldValidationException(dayPath, "is not a day (mo, tu, we, th, fr, sa, su)");
            }

            if (days.ContainsKey(day.Day))
            {
                throw new FieldValidationException(dayPath, "is given twice");
            }

            days[day.Day] = Ranges(property.Value, dayPath);
        }

        return days.ToImmutable();
    }

    private static ImmutableArray<TimeOfDayRange> Ranges(JsonElement day, string path)
    {
        if (day.ValueKind is JsonValueKind.Null || (day.ValueKind == JsonValueKind.Array && day.GetArrayLength() == 0))
        {
            return [];
        }

        if (day.ValueKind != JsonValueKind.Object)
        {
            throw new FieldValidationException(path, "must be {\"time\": [[\"HH:MM\", \"HH:MM\"], ...]}");
        }

        var times = DocumentFields.Member(day, "time");
        if (times is null)
        {
            return [];
        }

        if (times.Value.ValueKind != JsonValueKind.Array)
        {
            throw new FieldValidationException($"{path}.time", "must be an array of [\"HH:MM\", \"HH:MM\"] pairs");
        }

        if (times.Value.GetArrayLength() > MaxRangesPerDay)
        {
            throw new FieldValidationException($"{path}.time", $"more than {MaxRangesPerDay} ranges");
        }

        var ranges = new List<TimeOfDayRange>();
        var index = 0;
        foreach (var pair in times.Value.EnumerateArray())
        {
            var rangePath = $"{path}.time[{index++}]";
            if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2)
            {
                throw new FieldValidationException(rangePath, "must be a [\"HH:MM\", \"HH:MM\"] pair");
            }

            var from = Time(pair[0], rangePath, end: false);
            var to = Time(pair[1], rangePath, end: true);
            if (to <= from)
            {
                throw new FieldValidationException(rangePath, "must end after it starts");
            }

            ranges.Add(new TimeOfDayRange(from, to));
        }

        ranges.Sort((a, b) => a.StartMinute.CompareTo(b.StartMinute));
        for (var i = 1; i < ranges.Count; i++)
        {
            if (ranges[i - 1].Overlaps(ranges[i]))
            {
                throw new FieldValidationException($"{path}.time", $"{Describe(ranges[i - 1])} and {Describe(ranges[i])} overlap");
            }
        }

        return [.. ranges];
    }

    /// <summary>"H:MM" or "HH:MM", 00:00 to 23:59; "24:00" only as an end.</summary>
    private static int Time(JsonElement value, string path, bool end)
    {
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : string.Empty;
        var parts = text.Split(':');
        if (parts.Length == 2 && parts[0].Length is 1 or 2 && parts[1].Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hour)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minute)
            && minute < 60 && (hour < 24 || (end && hour == 24 && minute == 0)))
        {
            return (hour * 60) + minute;
        }

        throw new FieldValidationException(path, $"'{(value.ValueKind == JsonValueKind.String ? text : value.GetRawText())}' is not a time (HH:MM, 00:00 to 24:00)");
    }

    private static void CheckOverlaps(IReadOnlyList<AvailabilityAssignment> assignments)
    {
        for (var j = 1; j < assignments.Count; j++)
        {
            var b = assignments[j];
            for (var i = 0; i < j; i++)
            {
                var a = assignments[i];
                if (a.Type != AvailabilityType.Available || b.Type != AvailabilityType.Available || a.Repeat != b.Repeat || !DatesMeet(a, b))
                {
                    continue;
                }

                foreach (var (key, day) in DayKeys)
                {
                    foreach (var range in b.On(day))
                    {
                        if (a.On(day).FirstOrDefault(range.Overlaps) is { } clash)
                        {
                            throw new FieldValidationException($"{Field}[{j}].days.{key}",
                                $"{Describe(range)} overlaps {Describe(clash)} of {Field}[{i}]");
                        }
                    }
                }
            }
        }
    }

    private static bool DatesMeet(AvailabilityAssignment a, AvailabilityAssignment b) =>
        (a.StartDate ?? DateOnly.MinValue) <= (b.EndDate ?? DateOnly.MaxValue)
        && (b.StartDate ?? DateOnly.MinValue) <= (a.EndDate ?? DateOnly.MaxValue);

    private static string Describe(TimeOfDayRange range) => $"{FormatTime(range.StartMinute)}-{FormatTime(range.EndMinute)}";
}
