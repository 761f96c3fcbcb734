using System.Collections.Immutable;
using System.Text.Json;
using NodaTime;
using Scheduling.Contracts.Holidays;
using Scheduling.Contracts.Records;

namespace Scheduling.Grains.Holidays;

/// <summary>Applies schema-bound changes to a holiday (or makes a new one) and checks the result as a whole.</summary>
public static class HolidayChanges
{
    /// <summary>A fixed holiday longer than this is taken for a typing mistake in a year.</summary>
    public const int MaxDays = 366;

    /// <summary>
    /// The holiday after <paramref name="changes"/>: <paramref name="existing"/> with the given attributes
    /// replaced, or a new holiday when it is null. Throws FieldValidationException naming the attribute that is
    /// missing or does not fit (a yearly holiday needs month, day_in_week and day_order; a fixed one start_date,
    /// with end_date not before it).
    /// </summary>
    public static Holiday Apply(Holiday? existing, long id, long companyId, ImmutableDictionary<string, JsonElement> changes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var type = changes.GetInt("type") is { } given ? (HolidayType)given
            : existing?.Type ?? throw new FieldValidationException("type", "is required: 1 (a weekday of a month, every year) or 2 (fixed dates)");
        var start = Date(changes, "start_date", existing?.StartDate);
        var end = Date(changes, "end_date", existing?.EndDate);
        var holiday = new Holiday(
            id,
            companyId,
            changes.GetText("name") ?? existing?.Name ?? string.Empty,
            type,
            changes.GetInt("month") ?? existing?.Month,
            changes.GetInt("day_in_week") ?? existing?.DayInWeek,
            changes.GetInt("day_order") ?? existing?.DayOrder,
            start,
            end,
            changes.GetBool("enabled") ?? existing?.Enabled ?? true,
            existing?.CreatedAt ?? now,
            now);
        return type == HolidayType.VariableDate ? CheckYearly(holiday) : CheckFixed(holiday);
    }

    private static Holiday CheckYearly(Holiday holiday)
    {
        Require(holiday.Month, "month", "0 January..11 December");
        Require(holiday.DayInWeek, "day_in_week", "0 Monday..6 Sunday");
        Require(holiday.DayOrder, "day_order", "0 first..3 fourth, 4 last");
        return holiday;
    }

    private static Holiday CheckFixed(Holiday holiday)
    {
        var start = holiday.StartDate ?? throw new FieldValidationException("start_date", "is required for fixed dates (type 2)");

        // One day unless told otherwise.
        var end = holiday.EndDate ?? start;
        if (end < start)
        {
            throw new FieldValidationException("end_date", "must not be before start_date");
        }

        if (end.DayNumber - start.DayNumber + 1 > MaxDays)
        {
            throw new FieldValidationException("end_date", $"a holiday spans at most {MaxDays} days");
        }

        return holiday with { EndDate = end };
    }

    private static void Require(int? value, string field, string meaning)
    {
        if (value is null)
        {
            throw new FieldValidationException(field, $"is required for a yearly holiday (type 1): {meaning}");
        }
    }

    // A blank date clears it; an absent one keeps what was there.
    private static DateOnly? Date(ImmutableDictionary<string, JsonElement> changes, string field, DateOnly? existing)
    {
        if (!changes.ContainsKey(field))
        {
            return existing;
        }

        var text = changes.GetText(field);
        return string.IsNullOrWhiteSpace(text) ? null : HolidayDates.Parse(text, field).ToDateOnly();
    }
}
