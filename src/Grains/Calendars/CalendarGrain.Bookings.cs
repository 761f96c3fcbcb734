using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Availability;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Webhooks;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Availability;
using Scheduling.Grains.Notifications;
using Scheduling.Grains.Reminders;
using Scheduling.Grains.Storage;
using Scheduling.Grains.Telemetry;
using Scheduling.Grains.TimeZones;
using Scheduling.Grains.Webhooks;
using Orleans.Streams;

namespace Scheduling.Grains.Calendars;

/// <summary>
/// The calendar's write side: the one place an employee's time is booked, moved or freed (DESIGN §4). Appointment
/// rows are the truth; the calendar keeps the occupying ones that have not ended in <c>_booked</c> (loaded on
/// activation) and re-checks every booking against it with the availability engine inside its turn. Each change
/// writes its row, its event and the calendar's version bump in one transaction, so two activations of one
/// calendar (on two silos) cannot both commit, and the table's exclusion constraint refuses an overlap even if
/// this code were wrong.
/// </summary>
public sealed partial class CalendarGrain
{
    // Appointments that ended cannot collide with a bookable slot (slots start after now); the margin keeps
    // every one still running.
    private static readonly TimeSpan LoadMargin = TimeSpan.FromDays(1);

    private long EmployeeId => this.GetPrimaryKeyLong();

    // Resolved here rather than in the constructor, which belongs to the profile side of the class.
    private IAppointmentStore Appointments => ServiceProvider.GetRequiredService<IAppointmentStore>();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (calendar.RecordExists)
        {
            await LoadBookedAsync();
        }
    }

    public Task<Appointment> BookAsync(BookingRequest request) => CountedAsync("book", () => BookCoreAsync(request));

    public Task<Appointment> ChangeAppointmentAsync(BookingRequest request) =>
        request.Slot is null ? ChangeCoreAsync(request) : CountedAsync("reschedule", () => ChangeCoreAsync(request));

    private static async Task<Appointment> CountedAsync(string operation, Func<Task<Appointment>> decide)
    {
        try
        {
            var appointment = await decide();
            BookingTelemetry.Booked(operation);
            return appointment;
        }
        catch (Exception ex)
        {
            BookingTelemetry.Refused(operation, ex);
            throw;
        }
    }

    private async Task<Appointment> BookCoreAsync(BookingRequest request)
    {
        EnsureExists();
        EnsureCompany(request.CompanyId);
        var slot = request.Slot ?? throw new ArgumentException("a booking needs the slot it asks for", nameof(request));
        var now = Now();
        var row = Place(request, slot, request.AppointmentId) with
        {
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (row.Occupies)
        {
            await EnsureFreeAsync(slot, row, replacing: null);
        }

        outbox.Attach(AppointmentRowChange.Insert(row));
        AttachReminder(before: null, row, request.Notices.ReminderHours);
        Publish(WebhookEvents.Created, row, previous: null, previousStatus: null, request.Notices);
        await SaveAsync(row, row.Occupies ? slot.Service.Seats : null);
        Take(row);
        return row;
    }

    private async Task<Appointment> ChangeCoreAsync(BookingRequest request)
    {
        EnsureExists();
        EnsureCompany(request.CompanyId);
        var stored = await Appointments.GetAsync(request.CompanyId, request.AppointmentId, CancellationToken.None)
            ?? throw AppointmentNotFound(request.AppointmentId);
        var movingIn = stored.EmployeeId != EmployeeId;
        if (movingIn && request.Slot is null)
        {
            // Not this calendar's appointment (it moved meanwhile): the caller reads the row again and asks its calendar.
            throw AppointmentNotFound(request.AppointmentId);
        }

        var row = (request.Slot is { } slot ? Place(request, slot, stored.Id) : stored with { Status = request.Status, ClientId = request.ClientId, Values = FieldMap.Of(request.Values) })
            with
            {
                Id = stored.Id,
                CompanyId = stored.CompanyId,
                Version = stored.Version + 1,
                CreatedAt = stored.CreatedAt,
                UpdatedAt = Now(),
            };
        var moved = movingIn || row.Start != stored.Start || row.End != stored.End || row.BlockEnd != stored.BlockEnd
            || row.ServiceId != stored.ServiceId || row.LocationId != stored.LocationId;
        var takesTime = row.Occupies && (moved || !stored.Occupies);
        if (takesTime)
        {
            var checkSlot = request.Slot ?? throw new ArgumentException("occupying the time again needs the slot to re-check", nameof(request));
            await EnsureFreeAsync(checkSlot, row, replacing: movingIn ? null : stored);
        }

        var type = stored.Occupies && !row.Occupies ? WebhookEvents.Canceled : moved ? WebhookEvents.Rescheduled : WebhookEvents.Updated;
        outbox.Attach(AppointmentRowChange.Update(row, stored.Version));
        AttachReminder(stored, row, request.Notices.ReminderHours);
        Publish(type, row, moved ? AppointmentPlace.Of(stored) : null, stored.Status, request.Notices);
        await SaveAsync(row, takesTime ? request.Slot!.Service.Seats : null);
        if (!movingIn)
        {
            Free(stored);
        }

        Take(row);
        return row;
    }

    public async Task ReleaseMovedAsync(Appointment moved)
    {
        // The row already belongs to another calendar (one UPDATE moved it, freeing this time in the table); only
        // this activation's memory still holds the old interval. Reading the rows again drops it, and stays right
        // even if later changes brought the appointment back. No write: other activations of this calendar hold the
        // interval too, and every refusal re-reads the rows before it answers "occupied", so it never loses a booking.
        if (moved.EmployeeId == EmployeeId && calendar.RecordExists)
        {
            await LoadBookedAsync();
        }
    }

    public async Task DeleteAppointmentAsync(long companyId, long appointmentId)
    {
        EnsureExists();
        EnsureCompany(companyId);
        var stored = await Appointments.GetAsync(companyId, appointmentId, CancellationToken.None);
        if (stored is null || stored.EmployeeId != EmployeeId)
        {
            throw AppointmentNotFound(appointmentId);
        }

        outbox.Attach(AppointmentRowChange.Remove(stored));
        AttachReminder(stored, after: null, reminderHours: 0);
        Publish(WebhookEvents.Deleted, stored with { Version = stored.Version + 1, UpdatedAt = Now() }, previous: null, stored.Status, notices: null);
        await SaveAsync(stored, seats: null);
        Free(stored);
    }

    /// <summary>The appointment's place and time as a request asks for them, on this calendar.</summary>
    private Appointment Place(BookingRequest request, SlotRequest slot, long appointmentId)
    {
        var service = slot.Service;
        var start = request.Start.ToUniversalTime();
        var end = start.AddMinutes(slot.DurationMinutes);
        return new Appointment
        {
            Id = appointmentId,
            CompanyId = request.CompanyId,
            EmployeeId = EmployeeId,
            LocationId = slot.LocationId,
            ServiceId = service.Id,
            ClientId = request.ClientId,
            Start = start,
            End = end,
            BlockEnd = end.AddMinutes(service.PaddingMinutes),
            Status = request.Status,
            SessionKey = Appointment.SessionKeyFor(appointmentId, service.Id, start, service.Seats),
            TimeZoneId = slot.TimeZoneId,
            Version = 0,
            Values = FieldMap.Of(request.Values),
            CreatedAt = default,
            UpdatedAt = default,
        };
    }

    /// <summary>
    /// Re-checks the slot as availability offers it (SPEC §8): not offered at all → 422 / 9, offered but no seat → 409 / 10.
    /// <paramref name="replacing"/> is the appointment's own current time on this calendar, which a move may overlap.
    /// </summary>
    private async Task EnsureFreeAsync(SlotRequest slot, Appointment row, Appointment? replacing)
    {
        if (!Snapshot().Active)
        {
            throw new SlotNotAvailableException($"employee {EmployeeId} does not take appointments");
        }

        var start = Instant.FromDateTimeOffset(row.Start);
        var zone = TimeZoneTable.Embedded.Get(slot.TimeZoneId).Zone;
        var local = zone.ToLocal(start);

        // The second occurrence of a fall-back hour is never offered (SPEC §6: the first one is).
        if (!zone.TryToInstant(local, out var offered) || offered != start)
        {
            throw NotAvailable(local);
        }

        var query = Query(slot);
        if (SlotFinder.FreeSeatsAt(Without(query, replacing), local) > 0)
        {
            return;
        }

        if (!SlotFinder.IsOfferedIgnoringSeats(query, local))
        {
            throw NotAvailable(local);
        }

        // Offered but full in memory: read the rows of that time before refusing, so time freed elsewhere (a move to
        // another calendar whose release did not arrive) is never lost.
        await RefreshBookedAsync(row.Start, row.BlockEnd);
        if (SlotFinder.FreeSeatsAt(Without(Query(slot), replacing), local) <= 0)
        {
            throw new SlotOccupiedException($"{AppointmentView.FormatLocal(local)} is already booked for employee {EmployeeId}");
        }
    }

    /// <summary>
    /// Writes the calendar's version with the queued row and event. A refusal of the row surfaces as the caller's
    /// error: an overlap as 409 / 10, a row changed meanwhile as 409 / 5. When the calendar was stale (another
    /// activation wrote) and the change takes time (<paramref name="seats"/> given), it is 409 / 10 if the rows show
    /// the time taken, else 409 / 5 ("try again"). Orleans drops this activation after a version conflict, and the storage provider after any other failed write, so the next call starts from the
    /// stored truth.
    /// </summary>
    private async Task SaveAsync(Appointment row, int? seats)
    {
        try
        {
            // A booking changes rows, not the calendar's own state: only its version moves, with the row and the event.
            await calendar.CommitWithoutStateAsync(outbox);
        }
        catch (Exception ex) when (AppointmentWriteFailures.IsOverlap(ex))
        {
            throw Occupied(row);
        }
        catch (Exception ex) when (AppointmentWriteFailures.IsRowChanged(ex))
        {
            throw new SaveConflictException($"appointment {row.Id} was changed meanwhile; read it again and retry");
        }
        catch (Orleans.Storage.InconsistentStateException)
        {
            if (seats is { } n && await TakenInRowsAsync(row, n))
            {
                throw Occupied(row);
            }

            throw;
        }
    }

    private async Task<bool> TakenInRowsAsync(Appointment row, int seats)
    {
        var others = (await Appointments.OccupyingAsync(EmployeeId, row.Start, row.BlockEnd, CancellationToken.None))
            .Where(o => o.Id != row.Id)
            .ToList();
        return others.Any(o => o.SessionKey != row.SessionKey) || others.Count >= Math.Max(1, seats);
    }

    // The change's event, for the webhooks when any may want it, and, when it may send something, for the appointment's
    // e-mails too: its notices say whether the employee gets texts, and it is this calendar that knows the employee.
    // Orleans streams have no per-subscriber filter, so the e-mails' grain reads a namespace of its own and activates
    // only for those.
    private void Publish(string type, Appointment row, AppointmentPlace? previous, int? previousStatus, AppointmentNotices? notices)
    {
        var change = new AppointmentEvent(
            type, row.CompanyId, row, previous, time.GetUtcNow(), previousStatus,
            notices is null ? null : notices with { ProviderTexts = AppointmentDetailsReader.SmsAddress(Snapshot()) is not null });
        if (WebhookInterest.MayWant(snapshots, GrainFactory, row.CompanyId, type))
        {
            outbox.Publish(StreamId.Create(AppointmentEvent.StreamNamespace, EmployeeId), change);
        }

        if (AppointmentReminderGrain.Wants(change))
        {
            outbox.Publish(StreamId.Create(AppointmentEvent.NoticeStreamNamespace, row.Id), change);
        }
    }

    // The appointment's reminder moves with the change, in its write (the reminder's grain is not activated for it).
    private void AttachReminder(Appointment? before, Appointment? after, int reminderHours)
    {
        foreach (var change in AppointmentReminders.Changes(before, after, reminderHours, Now()))
        {
            outbox.Attach(change);
        }
    }

    private async Task LoadBookedAsync()
    {
        var rows = await Appointments.OccupyingAsync(EmployeeId, time.GetUtcNow() - LoadMargin, DateTimeOffset.MaxValue, CancellationToken.None);
        _booked.Clear();
        _booked.AddRange(rows.Select(Interval).OrderBy(i => i.Start));
    }

    /// <summary>Reads the rows occupying [from, until) again and puts them in place of what memory holds for that time.</summary>
    private async Task RefreshBookedAsync(DateTimeOffset from, DateTimeOffset until)
    {
        var rows = await Appointments.OccupyingAsync(EmployeeId, from, until, CancellationToken.None);
        var start = Instant.FromDateTimeOffset(from);
        var end = Instant.FromDateTimeOffset(until);
        _booked.RemoveAll(i => i.Start < end && start < i.End);
        foreach (var row in rows)
        {
            Take(row);
        }
    }

    /// <summary>Adds an occupying appointment to the sorted intervals.</summary>
    private void Take(Appointment row)
    {
        if (row.Occupies && row.EmployeeId == EmployeeId)
        {
            var interval = Interval(row);
            var index = _booked.FindLastIndex(i => i.Start <= interval.Start) + 1;
            _booked.Insert(index, interval);
        }
    }

    private void Free(Appointment row)
    {
        if (row.Occupies)
        {
            _booked.Remove(Interval(row));
        }
    }

    /// <summary>The query without the appointment's own current interval (once), which its new time may overlap.</summary>
    private static SlotQuery Without(SlotQuery query, Appointment? replacing)
    {
        if (replacing is not { Occupies: true } own)
        {
            return query;
        }

        var booked = query.Booked.ToList();
        booked.Remove(Interval(own));
        return query with { Booked = booked };
    }

    private static BookedInterval Interval(Appointment row) =>
        new(Instant.FromDateTimeOffset(row.Start), Instant.FromDateTimeOffset(row.BlockEnd), row.ServiceId);

    // Microseconds: what PostgreSQL keeps, so both storages read back the same instant.
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.UtcTicks - (now.UtcTicks % 10), TimeSpan.Zero);
    }

    private void EnsureCompany(long companyId)
    {
        if (State.CompanyId != companyId)
        {
            throw new NotFoundException($"employee {EmployeeId} not found");
        }
    }

    private SlotNotAvailableException NotAvailable(LocalDateTime local) =>
        new($"{AppointmentView.FormatLocal(local)} is not offered by employee {EmployeeId} for this service");

    private static SlotOccupiedException Occupied(Appointment row) =>
        new($"the time of appointment {row.Id} is already booked for employee {row.EmployeeId}");

    private static NotFoundException AppointmentNotFound(long appointmentId) => new($"appointment {appointmentId} not found");
}
