using System.Collections.Immutable;
using NodaTime;
using Scheduling.Contracts.Availability;
using Scheduling.Contracts.Employees;
using Scheduling.Grains.Availability;
using Scheduling.Grains.TimeZones;

namespace Scheduling.Grains.Calendars;

/// <summary>The calendar's read side: slots from its own hours and bookings, in memory.</summary>
public sealed partial class CalendarGrain
{
    /// <summary>The employee's occupying appointments (every location), sorted by start; kept by the booking side.</summary>
    private readonly List<BookedInterval> _booked = [];

    public Task<ImmutableArray<SlotTime>> GetSlotsAsync(SlotRequest request)
    {
        if (!calendar.RecordExists || !Snapshot().Active)
        {
            return Task.FromResult(ImmutableArray<SlotTime>.Empty);
        }

        var slots = SlotFinder.Find(Query(request), LocalDate.FromDateOnly(request.From), LocalDate.FromDateOnly(request.To));
        var result = ImmutableArray.CreateBuilder<SlotTime>(slots.Count);
        foreach (var slot in slots)
        {
            result.Add(new SlotTime(slot.Start.Date.ToDateOnly(), (slot.Start.Hour * 60) + slot.Start.Minute, slot.FreeSeats));
        }

        return Task.FromResult(result.MoveToImmutable());
    }

    /// <summary>The engine's view of a request against this calendar now (booking re-checks with the same query).</summary>
    private SlotQuery Query(SlotRequest request)
    {
        var service = request.Service;
        var holidays = request.HolidayDates.IsDefaultOrEmpty ? null : request.HolidayDates.ToHashSet();
        var assignments = State.Availability;
        return new SlotQuery(
            TimeZoneTable.Embedded.Get(request.TimeZoneId).Zone,
            date => WorkingHours.On(assignments, request.LocationId, date.ToDateOnly()),
            new SlotRules(service.Id, request.DurationMinutes, service.PaddingMinutes, service.StartStepMinutes, service.PriorNoticeHours, service.AfterNoticeDays, service.Seats),
            date => service.WindowsOn(date.ToDateOnly()),
            holidays is null ? static _ => false : date => holidays.Contains(date.ToDateOnly()),
            _booked,
            Instant.FromDateTimeOffset(time.GetUtcNow()));
    }
}
