using System.Globalization;
using NodaTime;

namespace Scheduling.Grains.Calendars;

/// <summary>
/// The occurrences of a recurrence rule (RFC 5545 §3.3.10) in the local time of the event's start, so a weekly 09:00
/// meeting stays at 09:00 across a DST change. FREQ DAILY, WEEKLY, MONTHLY and YEARLY with INTERVAL, COUNT, UNTIL,
/// BYDAY (with ordinals in monthly and yearly rules: <c>2MO</c>, <c>-1FR</c>), BYMONTHDAY, BYMONTH, BYSETPOS and WKST.
/// The start is always the first occurrence. A rule it cannot read (another FREQ, BYHOUR, BYWEEKNO, ...) gives null:
/// the caller keeps the start alone rather than guess.
/// </summary>
public sealed class IcsRecurrence
{
    // Enough periods for a daily rule over many years; a rule that yields nothing in its window stops long before.
    private const int MaxPeriods = 50_000;

    private static readonly HashSet<string> Understood = ["FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"];

    private readonly string _frequency;
    private readonly int _interval;
    private readonly int? _count;
    private readonly Instant? _until;
    private readonly List<(int Ordinal, IsoDayOfWeek Day)> _byDay = [];
    private readonly List<int> _byMonthDay = [];
    private readonly List<int> _byMonth = [];
    private readonly List<int> _bySetPos = [];
    private IsoDayOfWeek _weekStart = IsoDayOfWeek.Monday;

    private IcsRecurrence(string frequency, int interval, int? count, Instant? until)
    {
        _frequency = frequency;
        _interval = interval;
        _count = count;
        _until = until;
    }

    /// <summary>The rule, or null when it uses a part this reader does not expand.</summary>
    /// <param name="untilRead">Reads UNTIL (a date or a date-time, UTC or local to the start's zone) as an instant.</param>
    public static IcsRecurrence? Parse(string rule, Func<string, Instant?> untilRead)
    {
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in rule.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=');
            if (equals <= 0 || !Understood.Contains(part[..equals]))
            {
                return null;
            }

            parts[part[..equals]] = part[(equals + 1)..];
        }

        var frequency = parts.GetValueOrDefault("FREQ", string.Empty).ToUpperInvariant();
        if (frequency is not ("DAILY" or "WEEKLY" or "MONTHLY" or "YEARLY"))
        {
            return null;
        }

        int? Number(string name) => parts.TryGetValue(name, out var text) ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0 : null;
        var interval = Number("INTERVAL") ?? 1;
        var count = Number("COUNT");
        Instant? until = parts.TryGetValue("UNTIL", out var untilText) ? untilRead(untilText) : null;
        if (interval < 1 || count is < 1 || (untilText is not null && until is null))
        {
            return null;
        }

        var recurrence = new IcsRecurrence(frequency, interval, count, until);
        return recurrence.ReadLists(parts) ? recurrence : null;
    }

    /// <summary>
    /// The starts from <paramref name="first"/> (itself the first) until the rule ends or a start reaches
    /// <paramref name="before"/>; counted from the first, so COUNT holds wherever the window begins.
    /// </summary>
    public IEnumerable<Instant> Starts(LocalDateTime first, DateTimeZone zone, Instant before)
    {
        // RFC 5545: the start is the first occurrence (and counts as one) even when the rule would not produce it.
        var firstInstant = first.InZoneLeniently(zone).ToInstant();
        if (firstInstant >= before)
        {
            yield break;
        }

        yield return firstInstant;
        var emitted = 1;
        var lastDate = before.InZone(zone).Date.PlusDays(1);
        for (var period = 0; period < MaxPeriods; period++)
        {
            // A period that starts after the window ends the rule here: nothing later can fall inside, and stepping on
            // (a huge INTERVAL, a rule that never matches) would only run towards the end of the calendar.
            var step = (long)period * _interval;
            if (step > PeriodsUntil(first.Date, lastDate))
            {
                yield break;
            }

            var dates = Candidates(first.Date, (int)step);

            foreach (var date in dates)
            {
                var start = date.At(first.TimeOfDay).InZoneLeniently(zone).ToInstant();
                if (start <= firstInstant)
                {
                    continue;
                }

                if ((_until is { } until && start > until) || start >= before || emitted == _count)
                {
                    yield break;
                }

                emitted++;
                yield return start;
            }
        }
    }

    private bool ReadLists(Dictionary<string, string> parts)
    {
        foreach (var text in List(parts, "BYDAY"))
        {
            var day = text.Length >= 2 ? Day(text[^2..]) : null;
            var ordinalText = text[..^Math.Min(2, text.Length)];
            var ordinal = 0;
            if (day is null || (ordinalText.Length > 0 && (!int.TryParse(ordinalText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out ordinal) || ordinal == 0 || Math.Abs(ordinal) > 53)))
            {
                return false;
            }

            if (ordinal != 0 && _frequency is "DAILY" or "WEEKLY")
            {
                return false;
            }

            _byDay.Add((ordinal, day.Value));
        }

        return Numbers(parts, "BYMONTHDAY", _byMonthDay, 31, allowNegative: true)
            && Numbers(parts, "BYMONTH", _byMonth, 12, allowNegative: false)
            && Numbers(parts, "BYSETPOS", _bySetPos, 366, allowNegative: true)
            && (!parts.TryGetValue("WKST", out var weekStart) || ReadWeekStart(weekStart));
    }

    private bool ReadWeekStart(string text)
    {
        if (Day(text) is not { } day)
        {
            return false;
        }

        _weekStart = day;
        return true;
    }

    // How many of the rule's units (days, weeks, months, years) lie between the anchor and the last date.
    private long PeriodsUntil(LocalDate anchor, LocalDate last) => _frequency switch
    {
        "DAILY" => Period.Between(anchor, last, PeriodUnits.Days).Days,
        "WEEKLY" => Period.Between(anchor, last, PeriodUnits.Days).Days / 7 + 1,
        "MONTHLY" => ((last.Year - anchor.Year) * 12L) + last.Month - anchor.Month,
        _ => last.Year - anchor.Year,
    };

    // The dates of one period of the rule: the anchor's day, week, month or year plus <paramref name="step"/> of them, sorted.
    private List<LocalDate> Candidates(LocalDate anchor, int step)
    {
        List<LocalDate> dates;
        switch (_frequency)
        {
            case "DAILY":
                var day = anchor.PlusDays(step);
                dates = Matches(day) ? [day] : [];
                break;
            case "WEEKLY":
                var weekStart = anchor.PlusDays(-(((int)anchor.DayOfWeek - (int)_weekStart + 7) % 7)).PlusWeeks(step);
                dates = [.. Enumerable.Range(0, 7).Select(weekStart.PlusDays)
                    .Where(d => (_byDay.Count == 0 ? d.DayOfWeek == anchor.DayOfWeek : _byDay.Any(b => b.Day == d.DayOfWeek))
                        && (_byMonth.Count == 0 || _byMonth.Contains(d.Month)))];
                break;
            case "MONTHLY":
                var month = new LocalDate(anchor.Year, anchor.Month, 1).PlusMonths(step);
                dates = _byMonth.Count > 0 && !_byMonth.Contains(month.Month) ? [] : InMonth(month.Year, month.Month, anchor.Day);
                break;
            default:
                var year = anchor.Year + step;
                var months = _byMonth.Count > 0 ? _byMonth.Order() : (IEnumerable<int>)[anchor.Month];
                dates = [.. months.SelectMany(m => InMonth(year, m, anchor.Day))];
                break;
        }

        dates.Sort();
        if (_bySetPos.Count == 0)
        {
            return dates;
        }

        var picked = _bySetPos
            .Select(p => p > 0 ? p - 1 : dates.Count + p)
            .Where(i => i >= 0 && i < dates.Count)
            .Select(i => dates[i])
            .Distinct()
            .ToList();
        picked.Sort();
        return picked;
    }

    // A daily rule's BY parts filter its days.
    private bool Matches(LocalDate date) =>
        (_byMonth.Count == 0 || _byMonth.Contains(date.Month))
        && (_byMonthDay.Count == 0 || _byMonthDay.Any(d => DayOfMonth(date.Year, date.Month, d) == date.Day))
        && (_byDay.Count == 0 || _byDay.Any(b => b.Day == date.DayOfWeek));

    // The days of one month a monthly (or yearly, per month) rule gives: BYMONTHDAY and BYDAY (the nth weekday when it has
    // an ordinal) limit each other; without either, the start's day of the month (no such day, no occurrence).
    private List<LocalDate> InMonth(int year, int month, int startDay)
    {
        var length = CalendarSystem.Iso.GetDaysInMonth(year, month);
        var days = Enumerable.Range(1, length).Select(d => new LocalDate(year, month, d));
        if (_byMonthDay.Count > 0)
        {
            days = days.Where(d => _byMonthDay.Any(n => DayOfMonth(year, month, n) == d.Day));
        }

        if (_byDay.Count > 0)
        {
            days = days.Where(d => _byDay.Any(b => b.Day == d.DayOfWeek && (b.Ordinal == 0 || NthInMonth(d, length, b.Ordinal))));
        }
        else if (_byMonthDay.Count == 0)
        {
            days = days.Where(d => d.Day == startDay);
        }

        return [.. days];
    }

    private static bool NthInMonth(LocalDate date, int length, int ordinal) =>
        ordinal > 0 ? (date.Day - 1) / 7 == ordinal - 1 : (length - date.Day) / 7 == -ordinal - 1;

    private static int DayOfMonth(int year, int month, int n) =>
        n > 0 ? n : CalendarSystem.Iso.GetDaysInMonth(year, month) + n + 1;

    private static IEnumerable<string> List(Dictionary<string, string> parts, string name) =>
        parts.TryGetValue(name, out var text) ? text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];

    private static bool Numbers(Dictionary<string, string> parts, string name, List<int> into, int max, bool allowNegative)
    {
        foreach (var text in List(parts, name))
        {
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n == 0 || Math.Abs(n) > max || (n < 0 && !allowNegative))
            {
                return false;
            }

            into.Add(n);
        }

        return true;
    }

    private static IsoDayOfWeek? Day(string code) => code.ToUpperInvariant() switch
    {
        "MO" => IsoDayOfWeek.Monday,
        "TU" => IsoDayOfWeek.Tuesday,
        "WE" => IsoDayOfWeek.Wednesday,
        "TH" => IsoDayOfWeek.Thursday,
        "FR" => IsoDayOfWeek.Friday,
        "SA" => IsoDayOfWeek.Saturday,
        "SU" => IsoDayOfWeek.Sunday,
        _ => null,
    };
}
