using System.Collections.Immutable;
using Orleans;
using Scheduling.Contracts.Services;

namespace Scheduling.Contracts.Availability;

/// <summary>
/// What a calendar needs to answer "where can this service start at this location": everything it does not
/// own itself (the service, the holidays, the zone), gathered once by the caller for all employees.
/// </summary>
/// <param name="DurationMinutes">The appointment's length: the service plus its chosen sub-services.</param>
/// <param name="TimeZoneId">The location's zone (else the account's): working hours are local to it.</param>
/// <param name="HolidayDates">Local dates an enabled account holiday covers, within [From, To].</param>
[GenerateSerializer]
[Alias("scheduling.slot-request")]
[Immutable]
public sealed record SlotRequest(
    [Id(0)] long LocationId,
    [Id(1)] ServiceSnapshot Service,
    [Id(2)] int DurationMinutes,
    [Id(3)] int TimeZoneId,
    [Id(4)] DateOnly From,
    [Id(5)] DateOnly To,
    [Id(6)] ImmutableArray<DateOnly> HolidayDates);

/// <summary>A bookable start, local to the location's zone (minutes since midnight), with its free seats.</summary>
[GenerateSerializer]
[Alias("scheduling.slot-time")]
[Immutable]
public readonly record struct SlotTime([Id(0)] DateOnly Date, [Id(1)] int Minute, [Id(2)] int FreeSeats);
