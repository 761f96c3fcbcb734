using System.Collections.Immutable;
using Orleans;

namespace Scheduling.Contracts.Employees;

/// <summary>
/// One busy period of an employee's external calendar (an ICS VEVENT): <see cref="Uid"/> names it across syncs, so a
/// second sync moves or removes the busy time it made instead of adding another.
/// </summary>
[GenerateSerializer]
[Alias("scheduling.busy-event")]
[Immutable]
public sealed record BusyEvent([Id(0)] string Uid, [Id(1)] DateTimeOffset Start, [Id(2)] DateTimeOffset End);

/// <summary>
/// What a sync changed: busy blocks added, moved and removed, and the events left out because they overlap one of the
/// employee's client appointments (the booked appointment keeps its time; the employee resolves the clash).
/// </summary>
[GenerateSerializer]
[Alias("scheduling.busy-time-sync")]
[Immutable]
public sealed record BusyTimeSync([Id(0)] int Added, [Id(1)] int Moved, [Id(2)] int Removed, [Id(3)] ImmutableArray<BusyEvent> Clashes);
