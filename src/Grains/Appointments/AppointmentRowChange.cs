using Orleans;
using Scheduling.Contracts.Appointments;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Appointments;

/// <summary>
/// One appointment row written with a calendar's state (same transaction): an insert (<see cref="ExpectedVersion"/>
/// 0: no row with the id may exist), an update or a delete of the row at <see cref="ExpectedVersion"/>. A row
/// that is missing or at another version fails the whole write, as does an overlap the exclusion rule refuses.
/// </summary>
public sealed record AppointmentRowChange(Appointment Row, long ExpectedVersion, bool Delete) : IStateWriteAttachment
{
    public static AppointmentRowChange Insert(Appointment row) => new(row, 0, Delete: false);

    public static AppointmentRowChange Update(Appointment row, long expectedVersion) => new(row, expectedVersion, Delete: false);

    public static AppointmentRowChange Remove(Appointment row) => new(row, row.Version, Delete: true);

    /// <summary>
    /// The steps in which a transaction applies its row changes, in both storages: all deletes, then all updates, then
    /// all inserts (time is freed before it is taken), leaving out empty steps. When a row is changed more than once,
    /// each change is a step of its own, in the order given.
    /// </summary>
    public static IEnumerable<IReadOnlyList<AppointmentRowChange>> Steps(IReadOnlyList<AppointmentRowChange> changes)
    {
        if (changes.Count <= 1)
        {
            return changes.Count == 0 ? [] : [changes];
        }

        if (changes.DistinctBy(c => c.Row.Id).Count() != changes.Count)
        {
            return changes.Select(c => (IReadOnlyList<AppointmentRowChange>)[c]);
        }

        IReadOnlyList<AppointmentRowChange>[] steps =
        [
            [.. changes.Where(c => c.Delete)],
            [.. changes.Where(c => !c.Delete && c.ExpectedVersion > 0)],
            [.. changes.Where(c => !c.Delete && c.ExpectedVersion == 0)],
        ];
        return steps.Where(s => s.Count > 0);
    }
}

// The calendar turns both refusals into the caller's error (SaveAsync); they are serializable all the same, so that one
// escaping a grain call reaches the caller as itself rather than as a failure to serialize it.

/// <summary>The occupied time of an appointment overlaps another's that is not a seat of the same group session.</summary>
[GenerateSerializer]
[Alias("scheduling.appointment-overlap-exception")]
public sealed class AppointmentOverlapException(string message) : Exception(message);

/// <summary>The row a write expected is gone or at another version: someone changed the appointment meanwhile.</summary>
[GenerateSerializer]
[Alias("scheduling.appointment-row-changed-exception")]
public sealed class AppointmentRowChangedException(string message) : Exception(message);

/// <summary>Tells the two refusals of an appointment row write apart, whichever storage made them.</summary>
public static class AppointmentWriteFailures
{
    /// <summary>PostgreSQL's SQLSTATE for an exclusion constraint violation.</summary>
    public const string ExclusionViolation = "23P01";

    /// <summary>Raised by appointment_row_written (migration 1100) when a conditional row write matched nothing.</summary>
    public const string RowChanged = "SC409";

    private const string UniqueViolation = "23505";

    public static bool IsOverlap(Exception exception) => Causes(exception).Any(e => e switch
    {
        AppointmentOverlapException => true,
        Npgsql.PostgresException { SqlState: ExclusionViolation } => true,
        _ => false,
    });

    public static bool IsRowChanged(Exception exception) => Causes(exception).Any(e => e switch
    {
        AppointmentRowChangedException => true,
        Npgsql.PostgresException { SqlState: RowChanged } => true,
        Npgsql.PostgresException { SqlState: UniqueViolation, ConstraintName: "appointments_pkey" } => true,
        _ => false,
    });

    // Orleans hands a grain a storage failure wrapped in an OrleansException (the store's own exception inside).
    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
        }
    }
}
