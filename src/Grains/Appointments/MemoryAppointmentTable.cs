using Scheduling.Contracts.Appointments;
using Scheduling.Grains.Clients;
using Scheduling.Runtime.Storage;

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
    private readonly Dictionary<long, Dictionary<long, Appointment>> _byEmployee = [];
    private readonly Dictionary<long, Dictionary<long, Appointment>> _byCompany = [];

    public Type AttachmentType => typeof(AppointmentRowChange);

    public void Validate(IStateWriteAttachment attachment)
    {
        var change = (AppointmentRowChange)attachment;
        var row = change.Row;
        lock (_lock)
        {
            var stored = _byId.GetValueOrDefault(row.Id);
            if (change.ExpectedVersion == 0 ? stored is not null : stored?.Version != change.ExpectedVersion)
            {
                throw new AppointmentRowChangedException(
                    $"appointment {row.Id} is no longer at version {change.ExpectedVersion} (stored: {stored?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"})");
            }

            if (change.Delete || !row.Occupies || !_byEmployee.TryGetValue(row.EmployeeId, out var rows))
            {
                return;
            }

            foreach (var other in rows.Values)
            {
                // The exclusion constraint: employee =, [start, block_end) overlaps, session key differs, both occupying.
                if (other.Id != row.Id && other.Occupies && other.Start < row.BlockEnd && row.Start < other.BlockEnd && other.SessionKey != row.SessionKey)
                {
                    throw new AppointmentOverlapException(
                        $"appointment {row.Id} overlaps appointment {other.Id} of employee {row.EmployeeId}");
                }
            }
        }
    }

    public void Apply(IStateWriteAttachment attachment)
    {
        var change = (AppointmentRowChange)attachment;
        lock (_lock)
        {
            if (_byId.Remove(change.Row.Id, out var stored))
            {
                _byEmployee[stored.EmployeeId].Remove(stored.Id);
                _byCompany[stored.CompanyId].Remove(stored.Id);
            }

            if (!change.Delete)
            {
                var row = change.Row;
                _byId[row.Id] = row;
                Rows(_byEmployee, row.EmployeeId)[row.Id] = row;
                Rows(_byCompany, row.CompanyId)[row.Id] = row;
            }
        }

        if (change is { ExpectedVersion: 0, Delete: false, Row: { ClientId: > 0 } inserted })
        {
            clients.NoteAppointment(inserted.CompanyId, inserted.ClientId, inserted.EmployeeId, inserted.Start, inserted.CreatedAt);
        }
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

    public Task<IReadOnlyList<Appointment>> OccupyingAsync(long employeeId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<Appointment> rows = _byEmployee.TryGetValue(employeeId, out var employee)
                ? [.. employee.Values.Where(r => r.Occupies && r.BlockEnd > since).OrderBy(r => r.Start).ThenBy(r => r.Id)]
                : [];
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

    private static Dictionary<long, Appointment> Rows(Dictionary<long, Dictionary<long, Appointment>> index, long key)
    {
        if (!index.TryGetValue(key, out var rows))
        {
            rows = [];
            index[key] = rows;
        }

        return rows;
    }
}
