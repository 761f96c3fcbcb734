using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using NodaTime;
using NodaTime.TimeZones;

namespace Scheduling.Grains.TimeZones;

/// <summary>
/// The frozen Setster time-zone table (SPEC §6): Setster ids to tz database names, each resolved to a
/// NodaTime zone from the TZDB data NodaTime ships, so offsets do not depend on the host's zone files.
/// </summary>
/// <remarks>
/// Many names in the table are old tz database links ("US/Pacific", "Asia/Calcutta"). NodaTime's TZDB
/// source keeps every link, so they resolve as they are and keep their own name. A name NodaTime does
/// not know makes loading fail with the offending rows listed: serving a wrong or UTC offset for a
/// client's zone would silently move appointments, and a unit test reads the embedded table, so such a
/// name never reaches a running silo.
/// </remarks>
public sealed class TimeZoneTable
{
    public const int DefaultId = 553;

    public const string ResourceName = "Scheduling.Grains.TimeZones.timezones.csv";

    // The table is immutable and frozen by the SPEC, so one parsed copy per process is enough.
    private static readonly Lazy<TimeZoneTable> EmbeddedTable = new(LoadEmbedded);

    private readonly FrozenDictionary<int, TimeZoneEntry> _byId;
    private readonly FrozenDictionary<string, TimeZoneEntry> _byName;
    private readonly FrozenDictionary<string, TimeZoneEntry> _byCanonicalName;
    private readonly IReadOnlyDictionary<string, string> _canonicalIds;

    private TimeZoneTable(IReadOnlyList<TimeZoneEntry> entries, IReadOnlyDictionary<string, string> canonicalIds)
    {
        All = entries;
        _canonicalIds = canonicalIds;
        _byId = entries.ToFrozenDictionary(e => e.Id);
        _byName = entries.ToFrozenDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);

        // For names the table lacks but TZDB links to a zone the table has ("America/Los_Angeles" ->
        // "US/Pacific" style), prefer the row spelled like the canonical zone, else the lowest id.
        _byCanonicalName = entries
            .GroupBy(e => CanonicalOf(e.Name))
            .ToFrozenDictionary(
                g => g.Key,
                g => g.FirstOrDefault(e => e.Name == g.Key) ?? g.MinBy(e => e.Id)!,
                StringComparer.Ordinal);

        if (!_byId.TryGetValue(DefaultId, out var defaultEntry))
        {
            throw new InvalidDataException($"The time-zone table has no row for the default id {DefaultId}.");
        }

        Default = defaultEntry;
    }

    /// <summary>The table embedded in this assembly, parsed on first use.</summary>
    public static TimeZoneTable Embedded => EmbeddedTable.Value;

    /// <summary>Every row, ordered by id.</summary>
    public IReadOnlyList<TimeZoneEntry> All { get; }

    /// <summary>Id 553, US/Pacific: the zone used when neither the location nor the account names one.</summary>
    public TimeZoneEntry Default { get; }

    public bool TryGet(int id, [NotNullWhen(true)] out TimeZoneEntry? entry) => _byId.TryGetValue(id, out entry);

    /// <exception cref="UnknownTimeZoneException">The id is not in the table.</exception>
    public TimeZoneEntry Get(int id) =>
        _byId.TryGetValue(id, out var entry) ? entry : throw new UnknownTimeZoneException(id);

    /// <summary>
    /// Finds the row for a tz database name: the row with that name (ignoring case), else the row for
    /// the same TZDB zone under another name ("Asia/Kolkata" finds "Asia/Calcutta" if only that is listed).
    /// </summary>
    public bool TryFindByName(string name, [NotNullWhen(true)] out TimeZoneEntry? entry)
    {
        ArgumentNullException.ThrowIfNull(name);
        var trimmed = name.Trim();
        if (_byName.TryGetValue(trimmed, out entry))
        {
            return true;
        }

        return _canonicalIds.TryGetValue(trimmed, out var canonical)
            && _byCanonicalName.TryGetValue(canonical, out entry);
    }

    /// <exception cref="UnknownTimeZoneException">The id is not in the table.</exception>
    public Offset GetOffset(int id, Instant instant) => Get(id).OffsetAt(instant);

    /// <summary>Parses a table in the embedded CSV format (<c>id,name</c> with a header row).</summary>
    /// <exception cref="InvalidDataException">A malformed or duplicate row, or a name TZDB does not know.</exception>
    public static TimeZoneTable Parse(TextReader csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var provider = DateTimeZoneProviders.Tzdb;
        var entries = new List<TimeZoneEntry>();
        var ids = new HashSet<int>();
        var unknownNames = new List<string>();
        var lineNumber = 0;

        while (csv.ReadLine() is { } line)
        {
            lineNumber++;
            if (lineNumber == 1 || line.Trim().Length == 0)
            {
                continue;
            }

            var fields = line.Split(',');
            if (fields.Length != 2
                || !int.TryParse(fields[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                || id <= 0
                || fields[1].Trim().Length == 0)
            {
                throw new InvalidDataException($"Time-zone table line {lineNumber} is not 'id,name': '{line}'.");
            }

            if (!ids.Add(id))
            {
                throw new InvalidDataException($"Time-zone table line {lineNumber} repeats id {id}.");
            }

            var name = fields[1].Trim();
            var zone = provider.GetZoneOrNull(name);
            if (zone is null)
            {
                unknownNames.Add($"{id},{name}");
                continue;
            }

            entries.Add(new TimeZoneEntry(id, name, zone));
        }

        if (unknownNames.Count > 0)
        {
            throw new InvalidDataException(
                $"NodaTime's TZDB ({provider.VersionId}) does not know these time-zone table rows: "
                + string.Join("; ", unknownNames) + ".");
        }

        entries.Sort((a, b) => a.Id.CompareTo(b.Id));
        return new TimeZoneTable(entries, CanonicalIds());
    }

    private string CanonicalOf(string name) => _canonicalIds.TryGetValue(name, out var canonical) ? canonical : name;

    private static TimeZoneTable LoadEmbedded()
    {
        using var stream = typeof(TimeZoneTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }

    private static IReadOnlyDictionary<string, string> CanonicalIds() =>
        TzdbDateTimeZoneSource.Default.CanonicalIdMap.ToFrozenDictionary(StringComparer.Ordinal);
}
