namespace Scheduling.Grains.TimeZones;

/// <summary>
/// One zone as <c>GET /tz/list</c> shows it; property names match the wire fields so the API can
/// serialize it as is, keyed by the zone's id.
/// </summary>
/// <param name="Gmt">
/// The offset from UTC at the time of the request, in seconds (SPEC §6; the reference's sample shows
/// minutes, the SPEC wins).
/// </param>
/// <param name="Caption">"GMT -04:00 US/Eastern (EDT)", or "US/Eastern (GMT -04:00)" when reversed.</param>
/// <param name="DbName">The tz database name from the frozen table, e.g. "US/Eastern".</param>
/// <param name="Short">"GMT -04:00".</param>
/// <param name="Friendly">"GMT-04:00".</param>
public sealed record TimeZoneListing(int Gmt, string Caption, string DbName, string Short, string Friendly);
