using System.Collections.Immutable;
using Orleans;

namespace Scheduling.Contracts.Employees;

/// <summary>How an availability assignment recurs (SPEC §5).</summary>
[GenerateSerializer]
[Alias("scheduling.availability-repeat")]
public enum AvailabilityRepeat
{
    /// <summary>Every week, on the listed weekdays, between the optional start and end dates.</summary>
    Weekly = 1,

    /// <summary>Between start_date and end_date (both required), on the listed weekdays.</summary>
    DateInterval = 2,
}

/// <summary>What an availability assignment says about its times (SPEC §5).</summary>
[GenerateSerializer]
[Alias("scheduling.availability-type")]
public enum AvailabilityType
{
    /// <summary>Working hours: the employee takes appointments then.</summary>
    Available = 0,

    /// <summary>Out of office: subtracted from working hours; with no days listed, whole days off.</summary>
    OutOfOffice = 1,
}

/// <summary>A span of one local day in minutes since midnight: [StartMinute, EndMinute), EndMinute at most 1440.</summary>
[GenerateSerializer]
[Alias("scheduling.time-of-day-range")]
[Immutable]
public sealed record TimeOfDayRange([Id(0)] int StartMinute, [Id(1)] int EndMinute)
{
    public const int MinutesPerDay = 24 * 60;

    public int Minutes => EndMinute - StartMinute;

    public bool Overlaps(TimeOfDayRange other) => StartMinute < other.EndMinute && other.StartMinute < EndMinute;
}

/// <summary>
/// One availability assignment of an employee (PUT /employee/{id}/assignAvailability), validated:
/// ranges per weekday are ordered and do not overlap, dates are in order, the location belongs to the
/// employee's account. <see cref="LocationId"/> null means "at every location".
/// How assignments combine for a date: date-interval working hours replace the weekly ones on the dates
/// they cover; out-of-office assignments are subtracted from either.
/// </summary>
[GenerateSerializer]
[Alias("scheduling.availability-assignment")]
[Immutable]
public sealed record AvailabilityAssignment(
    [Id(0)] AvailabilityRepeat Repeat,
    [Id(1)] AvailabilityType Type,
    [Id(2)] DateOnly? StartDate,
    [Id(3)] DateOnly? EndDate,
    [Id(4)] long? LocationId,
    [Id(5)] ImmutableDictionary<DayOfWeek, ImmutableArray<TimeOfDayRange>> Days)
{
    /// <summary>Whether the assignment's dates include <paramref name="date"/> (open ends include everything).</summary>
    public bool Covers(DateOnly date) => (StartDate is not { } start || date >= start) && (EndDate is not { } end || date <= end);

    public bool AppliesAt(long locationId) => LocationId is null || LocationId == locationId;

    public ImmutableArray<TimeOfDayRange> On(DayOfWeek day) => Days.TryGetValue(day, out var ranges) ? ranges : [];
}
