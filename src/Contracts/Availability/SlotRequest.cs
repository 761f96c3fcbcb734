using System.Collections.Immutable;
using Scheduling.Contracts.Services;
using Orleans.Concurrency;

namespace Scheduling.Contracts.Availability;

/// <summary>
/// What a calendar needs to answer "where can this service start at this location": everything it does not
/// own itself (the service, the holidays, the zone), gathered once by the caller for all employees.
/// </summary>
/// <param name="DurationMinutes">The appointment's length: the service plus its chosen sub-services.</param>
/// <param name="TimeZoneId">The location's zone (else the account's): working hours are local to it.</param>
/// <param name="HolidayDates">Local dates an enabled account holiday covers, within [From, To].</param>
[Immutable]
public sealed record SlotRequest(
    long LocationId,
    ServiceSnapshot Service,
    int DurationMinutes,
    int TimeZoneId,
    DateOnly From,
    DateOnly To,
    ImmutableArray<DateOnly> HolidayDates);

/// <summary>A bookable start, local to the location's zone (minutes since midnight), with its free seats.</summary>
[Immutable]
public readonly record struct SlotTime(DateOnly Date, int Minute, int FreeSeats);
