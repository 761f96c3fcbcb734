namespace Scheduling.Contracts.Holidays;

/// <summary>
/// One holiday of a company: whole days on which nothing can be booked while it is enabled. A variable-date
/// holiday uses <see cref="Month"/> (0 January..11 December), <see cref="DayInWeek"/> (0 Monday..6 Sunday) and
/// <see cref="DayOrder"/> (0 first..3 fourth, 4 last); a fixed one <see cref="StartDate"/>..<see cref="EndDate"/>
/// (inclusive). The other type's attributes are kept as given, so switching type back loses nothing.
/// </summary>
[Immutable]
public sealed record Holiday(
    long Id,
    long CompanyId,
    string Name,
    HolidayType Type,
    int? Month,
    int? DayInWeek,
    int? DayOrder,
    DateOnly? StartDate,
    DateOnly? EndDate,
    bool Enabled,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);
