using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.TimeZones;
using Scheduling.Contracts.Employees;

namespace Scheduling.Grains.Calendars;

/// <summary>
/// Reads the busy periods of an iCalendar feed (RFC 5545) for GET /employee/sync: every VEVENT with its UID, DTSTART and
/// DTEND (or DURATION) in the three forms feeds use: UTC (<c>...Z</c>), local with <c>TZID</c> (IANA or Windows zone names),
/// and all-day dates (<c>VALUE=DATE</c>); times without either are local to the account's zone. Cancelled events and
/// events marked free (<c>TRANSP:TRANSPARENT</c>) hold no time. A recurring event (RRULE, RDATE) gives each occurrence
/// that overlaps the window asked for, in its zone's local time, less its EXDATEs and the instances the feed lists on their
/// own (RECURRENCE-ID: moved, changed or cancelled); a rule <see cref="IcsRecurrence"/> cannot read keeps only the start.
/// </summary>
public static partial class IcsCalendar
{
    /// <summary>More events than a feed worth importing holds; a larger feed is refused rather than cut at random.</summary>
    public const int MaxEvents = 10_000;

    private const int MaxUidLength = 255;

    /// <summary>
    /// The events of the feed, recurring ones as their occurrences overlapping [<paramref name="from"/>,
    /// <paramref name="until"/>); throws <see cref="FormatException"/> when the text is not an iCalendar feed.
    /// </summary>
    public static ImmutableArray<BusyEvent> ReadBusyEvents(string text, DateTimeZone floatingZone, DateTimeOffset from, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = Unfold(text);
        if (!lines.Any(l => l.Equals("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase)))
        {
            throw new FormatException("it has no BEGIN:VCALENDAR");
        }

        var vevents = ReadEvents(lines);

        // Instances listed on their own replace (or cancel) the series' occurrence at their RECURRENCE-ID.
        var replaced = new HashSet<(string Uid, DateTimeOffset Start)>();
        foreach (var properties in vevents)
        {
            if (properties.TryGetValue("RECURRENCE-ID", out var instance) && ReadTime(instance, floatingZone) is { } original)
            {
                replaced.Add((Value(properties, "UID"), original.Instant));
            }
        }

        var events = ImmutableArray.CreateBuilder<BusyEvent>();
        foreach (var properties in vevents)
        {
            var occurrences = properties.ContainsKey("RECURRENCE-ID") ? null : Occurrences(properties, floatingZone, from, until, replaced);
            foreach (var busy in occurrences ?? (ToEvent(properties, floatingZone) is { } single ? [single] : []))
            {
                if (events.Count == MaxEvents)
                {
                    throw new FormatException($"it holds more than {MaxEvents} events in the next days synced");
                }

                events.Add(busy);
            }
        }

        return events.ToImmutable();
    }

    // Each VEVENT's properties: the first of each name, and every EXDATE and RDATE (they may repeat).
    private static List<Dictionary<string, Property>> ReadEvents(List<string> lines)
    {
        var vevents = new List<Dictionary<string, Property>>();
        Dictionary<string, Property>? current = null;
        var nested = 0;
        foreach (var line in lines)
        {
            if (line.StartsWith("BEGIN:", StringComparison.OrdinalIgnoreCase))
            {
                if (current is not null)
                {
                    nested++;
                }
                else if (line.Equals("BEGIN:VEVENT", StringComparison.OrdinalIgnoreCase))
                {
                    current = new Dictionary<string, Property>(StringComparer.OrdinalIgnoreCase);
                }
            }
            else if (line.StartsWith("END:", StringComparison.OrdinalIgnoreCase) && current is not null)
            {
                if (nested > 0)
                {
                    nested--;
                    continue;
                }

                vevents.Add(current);
                current = null;
            }
            else if (current is not null && nested == 0 && Property.Parse(line) is { } property)
            {
                if (property.Name.Equals("EXDATE", StringComparison.OrdinalIgnoreCase) || property.Name.Equals("RDATE", StringComparison.OrdinalIgnoreCase))
                {
                    // Repeated lines join as one comma-separated list per parameter set, keyed by their order.
                    current.Add($"{property.Name.ToUpperInvariant()}#{current.Count}", property);
                }
                else
                {
                    current.TryAdd(property.Name, property);
                }
            }
        }

        return vevents;
    }

    /// <summary>
    /// A recurring event's occurrences overlapping [from, until), each named by the series' UID and its start; null for
    /// an event that does not recur (or whose rule cannot be read), which stands for itself.
    /// </summary>
    private static List<BusyEvent>? Occurrences(
        Dictionary<string, Property> properties, DateTimeZone floatingZone, DateTimeOffset from, DateTimeOffset until, HashSet<(string, DateTimeOffset)> replaced)
    {
        var rdates = Dates(properties, "RDATE#", floatingZone);
        if (!properties.TryGetValue("RRULE", out var rule) && rdates.Count == 0)
        {
            return null;
        }

        if (ToEvent(properties, floatingZone) is not { } first || !properties.TryGetValue("DTSTART", out var dtStart) || Local(dtStart, floatingZone) is not { } start)
        {
            return [];
        }

        var recurrence = rule is null ? null : IcsRecurrence.Parse(rule.Value.Trim(), text => Until(text, start.Zone));
        if (rule is not null && recurrence is null)
        {
            return null;
        }

        var length = first.End - first.Start;
        var uid = Value(properties, "UID");
        var excluded = Dates(properties, "EXDATE#", floatingZone);
        var limit = Instant.FromDateTimeOffset(until);
        var starts = (recurrence?.Starts(start.Local, start.Zone, limit).Select(i => i.ToDateTimeOffset()) ?? [first.Start])
            .Concat(rdates)
            .Distinct()
            .Where(s => s < until && s + length > from && !excluded.Contains(s) && !replaced.Contains((uid, s)))
            .Order();
        return [.. starts.Select(s => new BusyEvent(OccurrenceUid(uid, s, s + length), s, s + length))];
    }

    // An occurrence is named by its series and its start, so a later sync follows it occurrence by occurrence.
    private static string OccurrenceUid(string series, DateTimeOffset start, DateTimeOffset end) => Named(series.Length > 0
        ? $"{series}|{start.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}"
        : FormattableString.Invariant($"no-uid:{start.ToUnixTimeSeconds()}-{end.ToUnixTimeSeconds()}"));

    // The instants of every EXDATE (or RDATE) line: comma-separated values in the line's own form (TZID, VALUE=DATE, UTC).
    private static HashSet<DateTimeOffset> Dates(Dictionary<string, Property> properties, string prefix, DateTimeZone floatingZone)
    {
        var dates = new HashSet<DateTimeOffset>();
        foreach (var (name, property) in properties)
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var value in property.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (ReadTime(property with { Value = value }, floatingZone) is { } time)
                {
                    dates.Add(time.Instant);
                }
            }
        }

        return dates;
    }

    // UNTIL: a UTC date-time, a date-time local to the start's zone, or a date (the whole day included).
    private static Instant? Until(string text, DateTimeZone zone)
    {
        if (text.Length == 8 && DateTime.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return LocalDate.FromDateTime(date).PlusDays(1).AtStartOfDayInZone(zone).ToInstant() - Duration.Epsilon;
        }

        var utc = text.EndsWith('Z') || text.EndsWith('z');
        return DateTime.TryParseExact(utc ? text[..^1] : text, "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? utc ? Instant.FromDateTimeUtc(DateTime.SpecifyKind(time, DateTimeKind.Utc)) : LocalDateTime.FromDateTime(time).InZoneLeniently(zone).ToInstant()
            : null;
    }

    private static BusyEvent? ToEvent(Dictionary<string, Property> properties, DateTimeZone floatingZone)
    {
        if (Value(properties, "STATUS").Equals("CANCELLED", StringComparison.OrdinalIgnoreCase)
            || Value(properties, "TRANSP").Equals("TRANSPARENT", StringComparison.OrdinalIgnoreCase)
            || !properties.TryGetValue("DTSTART", out var dtStart)
            || ReadTime(dtStart, floatingZone) is not { } start)
        {
            return null;
        }

        DateTimeOffset? end = properties.TryGetValue("DTEND", out var dtEnd) ? ReadTime(dtEnd, floatingZone)?.Instant
            : properties.TryGetValue("DURATION", out var duration) && ReadDuration(duration.Value) is { } length ? start.Instant + length
            : start.AllDay ? start.Instant.AddDays(1)
            : null;
        if (end is not { } until || until <= start.Instant)
        {
            // RFC 5545: a date-time event without an end takes no time.
            return null;
        }

        return new BusyEvent(Uid(properties, start.Instant, until), start.Instant, until);
    }

    // The UID names the event across syncs; an instance of a recurring event (RECURRENCE-ID) shares its series' UID, so
    // the instance's original start joins it. Over-long UIDs are hashed to fit; a feed without UIDs gets one from its times.
    private static string Uid(Dictionary<string, Property> properties, DateTimeOffset start, DateTimeOffset end)
    {
        var uid = Value(properties, "UID");
        if (uid.Length == 0)
        {
            uid = FormattableString.Invariant($"no-uid:{start.ToUnixTimeSeconds()}-{end.ToUnixTimeSeconds()}");
        }

        if (Value(properties, "RECURRENCE-ID") is { Length: > 0 } instance)
        {
            uid = $"{uid}|{instance}";
        }

        return Named(uid);
    }

    // Over-long names are hashed to fit the row's field.
    private static string Named(string uid) =>
        uid.Length <= MaxUidLength ? uid : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(uid)));

    private static string Value(Dictionary<string, Property> properties, string name) =>
        properties.TryGetValue(name, out var property) ? property.Value.Trim() : string.Empty;

    // A start as local time in its zone (UTC for ...Z, the TZID's zone, else the floating zone), for expanding a rule.
    private static (LocalDateTime Local, DateTimeZone Zone)? Local(Property property, DateTimeZone floatingZone)
    {
        if (ReadTime(property, floatingZone) is not { } time)
        {
            return null;
        }

        var value = property.Value.Trim();
        var zone = time.AllDay ? floatingZone
            : value.EndsWith('Z') || value.EndsWith('z') ? DateTimeZone.Utc
            : Zone(property.Parameter("TZID")) ?? floatingZone;
        return (Instant.FromDateTimeOffset(time.Instant).InZone(zone).LocalDateTime, zone);
    }

    private static EventTime? ReadTime(Property property, DateTimeZone floatingZone)
    {
        var value = property.Value.Trim();
        var isDate = property.Parameter("VALUE").Equals("DATE", StringComparison.OrdinalIgnoreCase) || value.Length == 8;
        if (isDate)
        {
            return DateTime.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                ? new EventTime(LocalDate.FromDateTime(date).AtStartOfDayInZone(floatingZone).ToDateTimeOffset(), AllDay: true)
                : null;
        }

        if (value.EndsWith('Z') || value.EndsWith('z'))
        {
            return DateTime.TryParseExact(value[..^1], "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var utc)
                ? new EventTime(new DateTimeOffset(utc, TimeSpan.Zero), AllDay: false)
                : null;
        }

        if (!DateTime.TryParseExact(value, "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return null;
        }

        var zone = Zone(property.Parameter("TZID")) ?? floatingZone;
        return new EventTime(LocalDateTime.FromDateTime(local).InZoneLeniently(zone).ToDateTimeOffset(), AllDay: false);
    }

    /// <summary>A TZID as IANA name, as Windows name (Outlook), or as the tail of a prefixed name ("/mozilla.org/.../Europe/Berlin").</summary>
    private static DateTimeZone? Zone(string tzid)
    {
        var name = tzid.Trim().Trim('"');
        if (name.Length == 0)
        {
            return null;
        }

        var tzdb = DateTimeZoneProviders.Tzdb;
        if (tzdb.GetZoneOrNull(name) is { } zone)
        {
            return zone;
        }

        if (TzdbDateTimeZoneSource.Default.WindowsMapping.PrimaryMapping.TryGetValue(name, out var mapped))
        {
            return tzdb.GetZoneOrNull(mapped);
        }

        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var skip = 1; skip < parts.Length; skip++)
        {
            if (tzdb.GetZoneOrNull(string.Join('/', parts[skip..])) is { } tail)
            {
                return tail;
            }
        }

        return null;
    }

    /// <summary>An RFC 5545 duration (<c>P1W</c>, <c>PT1H30M</c>, <c>P1DT2H</c>); negative or unreadable ones are null.</summary>
    private static TimeSpan? ReadDuration(string text)
    {
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success)
        {
            return null;
        }

        double Part(string group) => match.Groups[group].Success ? double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        var length = TimeSpan.FromDays((Part("w") * 7) + Part("d")) + TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m")) + TimeSpan.FromSeconds(Part("s"));
        return length > TimeSpan.Zero ? length : null;
    }

    // Content lines are folded by a line break followed by one space or tab (RFC 5545 §3.1).
    private static List<string> Unfold(string text)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
            {
                current.Append(line, 1, line.Length - 1);
                continue;
            }

            if (current.Length > 0)
            {
                lines.Add(current.ToString());
            }

            current.Clear().Append(line);
        }

        if (current.Length > 0)
        {
            lines.Add(current.ToString());
        }

        return lines;
    }

    [GeneratedRegex(@"^\+?P(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?:(?<h>\d+)H)?(?:(?<m>\d+)M)?(?:(?<s>\d+)S)?)?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    private sealed record EventTime(DateTimeOffset Instant, bool AllDay);

    /// <summary>One content line: <c>NAME;PARAM=value;...:VALUE</c> (a colon inside a quoted parameter value is not the separator).</summary>
    private sealed record Property(string Name, ImmutableDictionary<string, string> Parameters, string Value)
    {
        public string Parameter(string name) => Parameters.GetValueOrDefault(name, string.Empty);

        public static Property? Parse(string line)
        {
            var quoted = false;
            var colon = -1;
            for (var i = 0; i < line.Length && colon < 0; i++)
            {
                if (line[i] == '"')
                {
                    quoted = !quoted;
                }
                else if (line[i] == ':' && !quoted)
                {
                    colon = i;
                }
            }

            if (colon <= 0)
            {
                return null;
            }

            var head = line[..colon].Split(';');
            var parameters = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var parameter in head.Skip(1))
            {
                var equals = parameter.IndexOf('=');
                if (equals > 0)
                {
                    parameters[parameter[..equals].Trim()] = parameter[(equals + 1)..].Trim().Trim('"');
                }
            }

            return new Property(head[0].Trim(), parameters.ToImmutable(), line[(colon + 1)..]);
        }
    }
}
