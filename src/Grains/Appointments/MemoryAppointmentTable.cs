using Scheduling.Contracts.Appointments;
using Scheduling.Grains.Availability;
using Scheduling.Grains.Clients;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Appointments;

/// <summary>
/// The appointments table of the embedded storage: written by the memory provider under its write lock, as
/// part of a calendar's state write (so a row and its calendar's version commit together or not at all), and
/// read by the API as the memory <see cref="IAppointmentStore"/>. <see cref="Validate"/> refuses what the
/// PostgreSQL table refuses: a missing or changed row, and an overlap its exclusion constraint forbids.
/// </summary>
public sealed class MemoryAppointmentTable(MemoryClientStore clients) : IMemoryAttachmentWriter, IAppointmentStore
{
    // Writers are already serialized by the memory store; this lock keeps readers off a half-applied change.
    private readonly Lock _lock = new();
    private readonly Dictionary<long, Appointment> _byId = [];
    private readonly Dictionary<long, OccupiedTime> _occupiedByEmployee = [];
    private readonly Dictionary<long, Dictionary<long, Appointment>> _byCompany = [];

    public Type AttachmentType => typeof(AppointmentRowChange);

    /// <summary>
    /// Judges the changes step by step (<see cref="AppointmentRowChange.Steps"/>), each against the rows as the changes
    /// before it leave them, as PostgreSQL judges them in the write's transaction.
    /// </summary>
    public void Validate(IReadOnlyList<IStateWriteAttachment> attachments)
    {
        // The rows this write has changed so far (null: deleted), over the stored ones.
        var written = new Dictionary<long, Appointment?>();
        lock (_lock)
        {
            foreach (var change in InOrder(attachments))
            {
                var row = change.Row;
                var stored = written.TryGetValue(row.Id, out var changed) ? changed : _byId.GetValueOrDefault(row.Id);
                if (change.ExpectedVersion == 0 ? stored is not null : stored?.Version != change.ExpectedVersion)
                {
                    throw new AppointmentRowChangedException(
                        $"appointment {row.Id} is no longer at version {change.ExpectedVersion} (stored: {stored?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})");
                }

                if (!change.Delete && row.Occupies)
                {
                    if (_occupiedByEmployee.TryGetValue(row.EmployeeId, out var occupied))
                    {
                        foreach (var other in occupied.Overlapping(row.Start, row.BlockEnd))
                        {
                            if (!written.ContainsKey(other.Id))
                            {
                                RefuseClash(row, other);
                            }
                        }
                    }

                    foreach (var other in written.Values)
                    {
                        if (other is { Occupies: true } && other.EmployeeId == row.EmployeeId && other.Start < row.BlockEnd && row.Start < other.BlockEnd)
                        {
                            RefuseClash(row, other);
                        }
                    }
                }

                written[row.Id] = change.Delete ? null : row;
            }
        }
    }

    // The exclusion constraint: employee =, [start, block_end) overlaps, session key differs, both occupying.
    private static void RefuseClash(Appointment row, Appointment other)
    {
        if (other.Id != row.Id && other.SessionKey != row.SessionKey)
        {
            throw new AppointmentOverlapException($"appointment {row.Id} overlaps appointment {other.Id} of employee {row.EmployeeId}");
        }
    }

    /// <summary>Applies the changes in the order <see cref="Validate"/> judged them; readers see all of them or none.</summary>
    public void Apply(IReadOnlyList<IStateWriteAttachment> attachments)
    {
        var changes = InOrder(attachments);
        lock (_lock)
        {
            foreach (var change in changes)
            {
                ApplyUnlocked(change);
            }
        }

        foreach (var change in changes)
        {
            if (change is { ExpectedVersion: 0, Delete: false, Row: { ClientId: > 0 } inserted })
            {
                clients.NoteAppointment(inserted.CompanyId, inserted.ClientId, inserted.EmployeeId, inserted.Start, inserted.CreatedAt);
            }
        }
    }

    private static IReadOnlyList<AppointmentRowChange> InOrder(IReadOnlyList<IStateWriteAttachment> attachments) =>
        attachments is [AppointmentRowChange only]
            ? [only]
            : [.. AppointmentRowChange.Steps([.. attachments.Cast<AppointmentRowChange>()]).SelectMany(step => step)];

    // Caller holds _lock.
    private void ApplyUnlocked(AppointmentRowChange change)
    {
        if (_byId.Remove(change.Row.Id, out var stored))
        {
            if (stored.Occupies)
            {
                _occupiedByEmployee[stored.EmployeeId].Remove(stored);
            }

            _byCompany[stored.CompanyId].Remove(stored.Id);
        }

        if (change.Delete)
        {
            return;
        }

        var row = change.Row;
        _byId[row.Id] = row;
        if (row.Occupies)
        {
            if (!_occupiedByEmployee.TryGetValue(row.EmployeeId, out var occupied))
            {
                occupied = new OccupiedTime();
                _occupiedByEmployee[row.EmployeeId] = occupied;
            }

            occupied.Add(row);
        }

        if (!_byCompany.TryGetValue(row.CompanyId, out var company))
        {
            company = [];
            _byCompany[row.CompanyId] = company;
        }

        company[row.Id] = row;
    }

    public Task<Appointment?> GetAsync(long companyId, long appointmentId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_byId.TryGetValue(appointmentId, out var row) && row.CompanyId == companyId ? row : null);
        }
    }

    public Task<IReadOnlyList<Appointment>> ListAsync(long companyId, AppointmentQuery query, CancellationToken cancellationToken)
    {
        var matching = Matching(companyId, query);
        matching.Sort((a, b) => AppointmentFilter.Compare(a, b, query));
        return Task.FromResult<IReadOnlyList<Appointment>>([.. matching.Skip(query.Skip).Take(query.Take)]);
    }

    public Task<long> CountAsync(long companyId, AppointmentQuery query, CancellationToken cancellationToken) =>
        Task.FromResult((long)Matching(companyId, query).Count);

    public Task<IReadOnlyList<Appointment>> OccupyingAsync(long employeeId, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<Appointment> rows = _occupiedByEmployee.TryGetValue(employeeId, out var occupied) ? [.. occupied.Overlapping(from, until)] : [];
            return Task.FromResult(rows);
        }
    }

    public Task<long> CountUpcomingAsync(long companyId, AppointmentOwner owner, long ownerId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_byCompany.TryGetValue(companyId, out var company)
                ? company.Values.LongCount(r => AppointmentFilter.IsUpcomingOf(r, owner, ownerId, since))
                : 0L);
        }
    }

    private List<Appointment> Matching(long companyId, AppointmentQuery query)
    {
        lock (_lock)
        {
            return _byCompany.TryGetValue(companyId, out var company)
                ? [.. company.Values.Where(r => AppointmentFilter.Matches(r, query))]
                : [];
        }
    }

    /// <summary>
    /// One employee's occupying rows by start (then id), so an overlap check or a window read looks at the rows near
    /// the time asked about instead of every row the employee has.
    /// </summary>
    private sealed class OccupiedTime
    {
        private readonly List<Appointment> _rows = [];

        // The rows' starts (UTC ticks), in the same order: a search reads these instead of every row it passes.
        private readonly List<long> _starts = [];

        // The longest blocked time ever held: no row starting earlier than a window's start minus this reaches into it.
        private TimeSpan _longest;

        public void Add(Appointment row)
        {
            var index = IndexOf(row);
            _rows.Insert(index, row);
            _starts.Insert(index, row.Start.UtcTicks);
            if (row.BlockEnd - row.Start > _longest)
            {
                _longest = row.BlockEnd - row.Start;
            }
        }

        public void Remove(Appointment row)
        {
            var index = IndexOf(row);
            if (index < _rows.Count && _rows[index].Id == row.Id)
            {
                _rows.RemoveAt(index);
                _starts.RemoveAt(index);
            }
        }

        // Where the row is or would go: by start, then by id among rows starting together.
        private int IndexOf(Appointment row)
        {
            var start = row.Start.UtcTicks;
            var index = SortedSearch.LowerBound(_starts, start, static ticks => ticks);
            while (index < _rows.Count && _starts[index] == start && _rows[index].Id < row.Id)
            {
                index++;
            }

            return index;
        }

        /// <summary>The rows whose blocked time [start, block_end) overlaps [from, until), by start.</summary>
        public IEnumerable<Appointment> Overlapping(DateTimeOffset from, DateTimeOffset until)
        {
            var earliest = from - DateTimeOffset.MinValue > _longest ? from - _longest : DateTimeOffset.MinValue;
            for (var i = SortedSearch.LowerBound(_starts, earliest.UtcTicks, static ticks => ticks); i < _rows.Count && _rows[i].Start < until; i++)
            {
                if (_rows[i].BlockEnd > from)
                {
                    yield return _rows[i];
                }
            }
        }
    }
}
