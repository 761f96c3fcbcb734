using System.Collections.Immutable;
using Orleans.Concurrency;

namespace Scheduling.Contracts.Employees;

/// <summary>
/// One busy period of an employee's external calendar (an ICS VEVENT): <see cref="Uid"/> names it across syncs, so a
/// second sync moves or removes the busy time it made instead of adding another.
/// </summary>
[Immutable]
public sealed record BusyEvent(string Uid, DateTimeOffset Start, DateTimeOffset End);

/// <summary>
/// What a sync changed: busy blocks added, moved and removed, and the events left out because they overlap one of the
/// employee's client appointments (the booked appointment keeps its time; the employee resolves the clash).
/// </summary>
[Immutable]
public sealed record BusyTimeSync(int Added, int Moved, int Removed, ImmutableArray<BusyEvent> Clashes);
