using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Calendars;

/// <summary>
/// Busy time imported from the employee's external calendar (GET /employee/sync, SPEC §4): appointment rows with status 4
/// that belong to no location, service or client, one per event UID. They are rows like any appointment, so availability,
/// the overlap rule and a restarted calendar all see them without a second mechanism.
/// </summary>
public sealed partial class CalendarGrain
{
    /// <summary>Where a busy row keeps the UID of the event it mirrors.</summary>
    private const string IcsUidField = "ics_uid";

    private static readonly JsonElement BusyType = FieldValues.Text("busy");
    private static readonly JsonElement BusyNote = FieldValues.Text("Busy (imported from the employee's calendar)");

    public async Task<BusyTimeSync> ImportBusyTimeAsync(long companyId, int timeZoneId, ImmutableArray<BusyEvent> events)
    {
        EnsureExists();
        EnsureCompany(companyId);
        var now = Now();
        var rows = await Appointments.OccupyingAsync(EmployeeId, now, DateTimeOffset.MaxValue, CancellationToken.None);
        var imported = new Dictionary<string, Appointment>(StringComparer.Ordinal);
        var changes = new List<AppointmentRowChange>();
        var others = new List<Appointment>();
        foreach (var row in rows)
        {
            if (row.Status != AppointmentStatus.BusyExternal || row.Values.GetText(IcsUidField) is not { } uid)
            {
                others.Add(row);
            }
            else if (!imported.TryAdd(uid, row))
            {
                changes.Add(AppointmentRowChange.Remove(row));
            }
        }

        var clashes = ImmutableArray.CreateBuilder<BusyEvent>();
        var kept = new HashSet<string>(StringComparer.Ordinal);
        int added = 0, moved = 0;
        var ids = ServiceProvider.GetRequiredService<IIdGenerator>();
        foreach (var busy in events.Where(e => e.End > now && e.Start < e.End).DistinctBy(e => e.Uid))
        {
            var start = busy.Start.ToUniversalTime();
            var end = busy.End.ToUniversalTime();

            // A client's booking keeps its time: the exclusion rule would refuse the overlap anyway, and refusing the
            // whole sync for one clash would leave every other busy period out of availability.
            if (others.Any(o => o.Start < end && start < o.BlockEnd))
            {
                clashes.Add(busy);
                continue;
            }

            kept.Add(busy.Uid);
            if (imported.TryGetValue(busy.Uid, out var stored))
            {
                if (stored.Start != start || stored.End != end)
                {
                    changes.Add(AppointmentRowChange.Update(stored with { Start = start, End = end, BlockEnd = end, Version = stored.Version + 1, UpdatedAt = now }, stored.Version));
                    moved++;
                }

                continue;
            }

            changes.Add(AppointmentRowChange.Insert(BusyRow(await ids.NextIdAsync(), companyId, timeZoneId, busy.Uid, start, end, now)));
            added++;
        }

        var vanished = imported.Where(p => !kept.Contains(p.Key)).Select(p => p.Value).ToList();
        changes.AddRange(vanished.Select(AppointmentRowChange.Remove));
        if (changes.Count == 0)
        {
            return new BusyTimeSync(0, 0, 0, clashes.ToImmutable());
        }

        // No appointment events: the rows mirror someone else's calendar, they are not bookings of this account, and
        // webhook receivers and reminders would otherwise hear of every meeting at each sync.
        foreach (var change in changes)
        {
            outbox.Attach(change);
        }

        try
        {
            await calendar.CommitWithoutStateAsync(outbox);
        }
        catch (Exception ex) when (AppointmentWriteFailures.IsOverlap(ex) || AppointmentWriteFailures.IsRowChanged(ex))
        {
            throw new SaveConflictException($"the calendar of employee {EmployeeId} changed during the sync; sync again");
        }

        await LoadBookedAsync();
        return new BusyTimeSync(added, moved, vanished.Count, clashes.ToImmutable());
    }

    private Appointment BusyRow(long id, long companyId, int timeZoneId, string uid, DateTimeOffset start, DateTimeOffset end, DateTimeOffset now) => new()
    {
        Id = id,
        CompanyId = companyId,
        EmployeeId = EmployeeId,
        LocationId = 0,
        ServiceId = 0,
        ClientId = 0,
        Start = start,
        End = end,
        BlockEnd = end,
        Status = AppointmentStatus.BusyExternal,

        // One session key for all of the employee's imported busy time: events of the external calendar may overlap
        // each other, but never a client's appointment (the exclusion rule compares session keys).
        SessionKey = FormattableString.Invariant($"ics:{EmployeeId}"),
        TimeZoneId = timeZoneId,
        Version = 1,
        Values = FieldMap.Of(ImmutableDictionary<string, JsonElement>.Empty
            .Add(IcsUidField, FieldValues.Text(uid))
            .Add(AppointmentField.Type, BusyType)
            .Add(AppointmentField.Note, BusyNote)),
        CreatedAt = now,
        UpdatedAt = now,
    };
}
