using Orleans;

namespace Scheduling.Contracts.Holidays;

/// <summary>
/// One holiday of a company: whole days on which nothing can be booked while it is enabled. A variable-date
/// holiday uses <see cref="Month"/> (0 January..11 December), <see cref="DayInWeek"/> (0 Monday..6 Sunday) and
/// <see cref="DayOrder"/> (0 first..3 fourth, 4 last); a fixed one <see cref="StartDate"/>..<see cref="EndDate"/>
/// (inclusive). The other type's attributes are kept as given, so switching type back loses nothing.
/// </summary>
[GenerateSerializer]
[Alias("scheduling.holiday")]
[Immutable]
public sealed record Holiday(
    [Id(0)] long Id,
    [Id(1)] long CompanyId,
    [Id(2)] string Name,
    [Id(3)] HolidayType Type,
    [Id(4)] int? Month,
    [Id(5)] int? DayInWeek,
    [Id(6)] int? DayOrder,
    [Id(7)] DateOnly? StartDate,
    [Id(8)] DateOnly? EndDate,
    [Id(9)] bool Enabled,
    [Id(10)] DateTimeOffset CreatedAt,
    [Id(11)] DateTimeOffset UpdatedAt);
