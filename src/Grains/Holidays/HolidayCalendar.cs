using NodaTime;
using Scheduling.Contracts.Holidays;

namespace Scheduling.Grains.Holidays;

/// <summary>
/// A company's enabled holidays as rules, for the availability engine: build one per computation from
/// <see cref="IHolidayCalendarGrain.ListAsync"/>, then ask <see cref="Covers"/> for each candidate day.
/// </summary>
public sealed class HolidayCalendar
{
    private readonly HolidayRule[] _rules;

    public HolidayCalendar(IEnumerable<Holiday> holidays)
    {
        ArgumentNullException.ThrowIfNull(holidays);
        _rules = [.. holidays.Where(h => h.Enabled).Select(HolidayRule.From)];
    }

    public static HolidayCalendar None { get; } = new([]);

    public int Count => _rules.Length;

    /// <summary>Whether any enabled holiday falls on this local date (in the location's or account's zone).</summary>
    public bool Covers(LocalDate date)
    {
        foreach (var rule in _rules)
        {
            if (rule.Covers(date))
            {
                return true;
            }
        }

        return false;
    }
}
