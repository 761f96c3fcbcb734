using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Storage;

/// <summary>
/// A reminder registration (<see cref="DueAt"/> set: create or move, fire once) or removal (<see cref="DueAt"/> null)
/// that commits with the grain's next state write, in its transaction: no round trip or commit of its own, and never
/// a reminder without the state that explains it (or the other way round). Both storage providers apply it themselves.
/// </summary>
public sealed record ReminderChange(GrainId GrainId, string Name, DateTimeOffset? DueAt) : IStateWriteAttachment;
