using NodaTime;
using NodaTime.Text;

namespace Scheduling.Grains.TimeZones;

/// <summary>
/// One row of the frozen Setster time-zone table: the Setster id, the tz database name clients see,
/// and the zone NodaTime resolved that name to.
/// </summary>
public sealed record TimeZoneEntry(int Id, string Name, DateTimeZone Zone)
{
    private static readonly OffsetPattern SignedHoursMinutes = OffsetPattern.CreateWithInvariantCulture("+HH:mm");

    public Offset OffsetAt(Instant instant) => Zone.GetUtcOffset(instant);

    public int OffsetSecondsAt(Instant instant) => OffsetAt(instant).Seconds;

    /// <summary>"GMT -05:00": the form appointments report as <c>timezone_short</c>.</summary>
    public string ShortAt(Instant instant) => FormatShort(OffsetAt(instant));

    /// <summary>
    /// The zone's abbreviation at that instant ("PDT", "CET"), or null where the tz database has none
    /// and only writes the offset ("-03"), which would repeat what the caption already says.
    /// </summary>
    public string? AbbreviationAt(Instant instant)
    {
        var name = Zone.GetZoneInterval(instant).Name;
        return name.Length > 0 && char.IsLetter(name[0]) ? name : null;
    }

    /// <summary>Local wall-clock time to instant with the SPEC §6 DST rules; see <see cref="LocalTimeRules"/>.</summary>
    public bool TryToInstant(LocalDateTime local, out Instant instant) => Zone.TryToInstant(local, out instant);

    public LocalDateTime ToLocal(Instant instant) => Zone.ToLocal(instant);

    /// <summary>
    /// The <c>GET /tz/list</c> item for this zone as of <paramref name="now"/>. The reversed caption puts
    /// the name first ("US/Eastern (GMT -04:00)") for clients that sort or search by name.
    /// </summary>
    public TimeZoneListing Describe(Instant now, bool reverseCaption = false)
    {
        var offset = OffsetAt(now);
        var shortText = FormatShort(offset);
        var abbreviation = AbbreviationAt(now);
        var caption = reverseCaption
            ? $"{Name} ({shortText})"
            : abbreviation is null ? $"{shortText} {Name}" : $"{shortText} {Name} ({abbreviation})";
        return new TimeZoneListing(
            Gmt: offset.Seconds,
            Caption: caption,
            DbName: Name,
            Short: shortText,
            Friendly: FormatFriendly(offset));
    }

    /// <summary>"GMT -05:00", "GMT +05:30", "GMT +00:00".</summary>
    public static string FormatShort(Offset offset) => "GMT " + SignedHoursMinutes.Format(offset);

    /// <summary>"GMT-05:00", "GMT+05:30", "GMT+00:00".</summary>
    public static string FormatFriendly(Offset offset) => "GMT" + SignedHoursMinutes.Format(offset);
}
