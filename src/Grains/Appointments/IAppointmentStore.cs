using System.Collections.Immutable;
using Scheduling.Contracts.Appointments;

namespace Scheduling.Grains.Appointments;

/// <summary>
/// Reads of the appointments table: queries, not grain calls (DESIGN §4). Rows are written only by calendars,
/// through <see cref="AppointmentRowChange"/> attachments. Every company-scoped read ignores other companies' rows.
/// </summary>
public interface IAppointmentStore
{
    /// <summary>The company's appointment, or null (also when the id belongs to another company).</summary>
    Task<Appointment?> GetAsync(long companyId, long appointmentId, CancellationToken cancellationToken);

    /// <summary>One page of the company's appointments matching every filter of <paramref name="query"/>, in its order.</summary>
    Task<IReadOnlyList<Appointment>> ListAsync(long companyId, AppointmentQuery query, CancellationToken cancellationToken);

    /// <summary>How many of the company's appointments match the filters (paging ignored): num_results=1.</summary>
    Task<long> CountAsync(long companyId, AppointmentQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The employee's occupying appointments (status not 3) whose blocked time [start, block_end) overlaps
    /// [<paramref name="from"/>, <paramref name="until"/>), by start; <see cref="DateTimeOffset.MaxValue"/> leaves it open.
    /// </summary>
    Task<IReadOnlyList<Appointment>> OccupyingAsync(long employeeId, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>
    /// How many of the company's appointments with this employee, at this location or of this service still hold
    /// time after <paramref name="since"/> (their blocked time ends later; status not 3): what refuses a delete.
    /// Busy time imported from an external calendar (4, 6) is not a client's appointment and is not counted.
    /// </summary>
    Task<long> CountUpcomingAsync(long companyId, AppointmentOwner owner, long ownerId, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>What an appointment refers to, by id: the column <see cref="IAppointmentStore.CountUpcomingAsync"/> matches.</summary>
public enum AppointmentOwner
{
    Employee,
    Location,
    Service,
}

public enum AppointmentSort
{
    StartDate,
    Created,
}

/// <summary>The filters of GET /appointment, already read and checked; every one given must hold.</summary>
public sealed record AppointmentQuery
{
    public int Skip { get; init; }

    public int Take { get; init; } = 100;

    public long? Id { get; init; }

    public long? EmployeeId { get; init; }

    public long? LocationId { get; init; }

    public long? ServiceId { get; init; }

    public long? ClientId { get; init; }

    /// <summary>Any of these statuses; empty = any status.</summary>
    public ImmutableArray<int> Statuses { get; init; } = [];

    /// <summary>Starts at or after this instant.</summary>
    public DateTimeOffset? StartFrom { get; init; }

    /// <summary>Starts before this instant.</summary>
    public DateTimeOffset? StartBefore { get; init; }

    /// <summary>Every word in the client's name, e-mail or phone, or the note (ignoring case).</summary>
    public string? SearchText { get; init; }

    /// <summary>A part of the client's name (ignoring case).</summary>
    public string? ClientName { get; init; }

    /// <summary>The client's whole e-mail address (ignoring case).</summary>
    public string? ClientEmail { get; init; }

    public bool? Paid { get; init; }

    public DateTimeOffset? UpdatedAfter { get; init; }

    public DateTimeOffset? UpdatedBefore { get; init; }

    public DateTimeOffset? CreatedAfter { get; init; }

    public DateTimeOffset? CreatedBefore { get; init; }

    public CustomFieldSearch? CustomFields { get; init; }

    /// <summary>custom_field_1..5 (deprecated by the reference, still sent by old clients): each a whole answer; all must hold.</summary>
    public ImmutableArray<CustomFieldSearch> CustomFieldValues { get; init; } = [];

    /// <summary>The deprecated ews_id, whole (ignoring case).</summary>
    public string? EwsId { get; init; }

    public AppointmentSort SortBy { get; init; } = AppointmentSort.StartDate;

    public bool Descending { get; init; }
}

/// <summary>
/// cf_ids / cf_search / cf_search_precision / cf_search_operand: <see cref="Text"/> in the answers of the given
/// custom fields, the whole answer (<see cref="Exact"/>) or a part of it, ignoring case; an address or multi-select
/// answer matches when one of its parts does. <see cref="MatchAll"/>: every field must match ("and"), else one.
/// </summary>
public sealed record CustomFieldSearch(ImmutableArray<string> FieldIds, string Text, bool Exact, bool MatchAll);
