using System.Collections.Immutable;
using NodaTime;
using Scheduling.Contracts.Employees;
using Scheduling.Grains.Availability;
using Scheduling.Grains.Calendars;

namespace Scheduling.Grains.Tests.Availability;

public sealed class SlotFinderTests
{
    private static readonly DateTimeZone Pacific = DateTimeZoneProviders.Tzdb["US/Pacific"];
    private static readonly DateTimeZone Berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

    // Monday 2026-06-01.
    private static readonly LocalDate Monday = new(2026, 6, 1);

    [Fact]
    public void SlotsFollowEachOtherFromTheStartOfEachWorkingRange()
    {
        var query = Query(Weekly(("09:00", "12:00"), ("13:00", "15:00")), Service(duration: 60));

        Assert.Equal(["09:00", "10:00", "11:00", "13:00", "14:00"], Times(query, Monday));
    }

    [Fact]
    public void PaddingIsPartOfEveryBlockAndSpacesNeighbours()
    {
        var query = Query(Weekly(("09:00", "12:00")), Service(duration: 45, padding: 15));

        Assert.Equal(["09:00", "10:00", "11:00"], Times(query, Monday));

        // A booking at 10:00 blocks 10:00-11:00 (with its padding); 09:00 still fits (09:00-10:00).
        var booked = query with { Booked = [Booking(Monday, "10:00", 60)] };
        Assert.Equal(["09:00", "11:00"], Times(booked, Monday));
    }

    [Fact]
    public void StartStepOffersEveryMultipleFromTheRangeStart()
    {
        var query = Query(Weekly(("09:00", "10:30")), Service(duration: 60, step: 15));

        Assert.Equal(["09:00", "09:15", "09:30"], Times(query, Monday));
    }

    [Fact]
    public void ABookingRemovesEveryOverlappingStart()
    {
        var query = Query(Weekly(("09:00", "12:00")), Service(duration: 60, step: 30)) with { Booked = [Booking(Monday, "10:00", 60)] };

        Assert.Equal(["09:00", "11:00"], Times(query, Monday));
    }

    [Fact]
    public void GroupSessionCountsSeatsOfTheSameServiceAndStart()
    {
        var rules = Service(duration: 60, seats: 3);
        var two = Query(Weekly(("09:00", "11:00")), rules) with { Booked = [Booking(Monday, "09:00", 60), Booking(Monday, "09:00", 60)] };

        var slots = SlotFinder.Find(two, Monday, Monday);
        Assert.Equal(1, slots.Single(s => s.Start.TimeOfDay == new LocalTime(9, 0)).FreeSeats);
        Assert.Equal(3, slots.Single(s => s.Start.TimeOfDay == new LocalTime(10, 0)).FreeSeats);

        var full = two with { Booked = [.. two.Booked, Booking(Monday, "09:00", 60)] };
        Assert.Equal(["10:00"], Times(full, Monday));

        // Another service's booking overlapping the session leaves no seat at all.
        var other = Query(Weekly(("09:00", "11:00")), rules) with { Booked = [Booking(Monday, "09:30", 30, serviceId: 99)] };
        Assert.Equal(["10:00"], Times(other, Monday));
    }

    [Fact]
    public void PriorNoticeAndAfterNoticeBoundTheOfferAtTheirEdges()
    {
        var now = Pacific.AtStrictly(Monday.At(new LocalTime(8, 0))).ToInstant();
        var query = Query(Weekly(("09:00", "17:00")), Service(duration: 60, priorNoticeHours: 2, afterNoticeDays: 1)) with { Now = now };

        // 10:00 is exactly two hours ahead: offered; 09:00 is not.
        Assert.Equal("10:00", Times(query, Monday)[0]);

        // Tomorrow 08:00 is exactly one day ahead: offered; 09:00 tomorrow is not.
        var tuesday = Monday.PlusDays(1);
        var tuesdayQuery = query with { WorkingHours = Weekly(("08:00", "17:00")) };
        Assert.Equal(["08:00"], Times(tuesdayQuery, tuesday));
    }

    [Fact]
    public void OutOfOfficeCutsWorkingHoursAndDateIntervalsReplaceTheWeeklySchedule()
    {
        var hours = Hours(
        [
            Rule(weekly: true, outOfOffice: false, from: null, to: null, ("09:00", "17:00")),
            Rule(weekly: false, outOfOffice: false, from: Monday, to: Monday, ("12:00", "14:00")),
            Rule(weekly: true, outOfOffice: true, from: null, to: null, ("13:00", "13:30")),
        ]);
        var query = Query(hours, Service(duration: 30));

        Assert.Equal(["12:00", "12:30", "13:30"], Times(query, Monday));
        Assert.Equal(16 - 1, Times(query, Monday.PlusDays(1)).Count);
    }

    [Fact]
    public void HolidaysAndClosedServiceDaysOfferNothing()
    {
        var query = Query(Weekly(("09:00", "12:00")), Service(duration: 60)) with { IsHoliday = d => d == Monday };

        Assert.Empty(Times(query, Monday));
        Assert.NotEmpty(Times(query, Monday.PlusDays(1)));

        var closed = query with { IsHoliday = _ => false, ServiceWindows = d => d == Monday ? [] : AllDay };
        Assert.Empty(Times(closed, Monday));
    }

    [Fact]
    public void ServiceScheduleWindowsNarrowTheWorkingHours()
    {
        var query = Query(Weekly(("09:00", "17:00")), Service(duration: 60)) with { ServiceWindows = _ => [new TimeOfDayRange(600, 720)] };

        Assert.Equal(["10:00", "11:00"], Times(query, Monday));
    }

    [Fact]
    public void SpringForwardDayInPacificSkipsTheMissingHourAndCountsRealMinutes()
    {
        // 2026-03-08: 02:00-03:00 does not exist in US/Pacific.
        var day = new LocalDate(2026, 3, 8);
        var query = Query(Weekly(("00:00", "05:00")), Service(duration: 60)) with { Now = Instant.FromUtc(2026, 1, 1, 0, 0) };

        var times = Times(query, day);

        Assert.DoesNotContain("02:00", times);
        // 04:00 still fits: the range 00:00-05:00 local is four real hours long.
        Assert.Equal(["00:00", "01:00", "03:00", "04:00"], times);
    }

    [Fact]
    public void FallBackDayInPacificOffersTheAmbiguousTimeOnceAtItsFirstOccurrence()
    {
        // 2026-11-01: 01:00-02:00 happens twice in US/Pacific.
        var day = new LocalDate(2026, 11, 1);
        var query = Query(Weekly(("00:00", "03:00")), Service(duration: 60)) with { Now = Instant.FromUtc(2026, 1, 1, 0, 0) };

        var slots = SlotFinder.Find(query, day, day);

        var oneAm = slots.Single(s => s.Start.TimeOfDay == new LocalTime(1, 0));
        Assert.Equal(Offset.FromHours(-7), Pacific.GetUtcOffset(oneAm.StartInstant));
        // The range is four real hours long, so 02:00 local still fits (it ends at 03:00 local).
        Assert.Equal(["00:00", "01:00", "02:00"], slots.Select(s => s.Start.TimeOfDay.ToString("HH:mm", null)));
    }

    [Fact]
    public void BerlinDstDaysFollowTheSameRules()
    {
        var spring = new LocalDate(2026, 3, 29);
        var query = Query(Weekly(("01:00", "04:00")), Service(duration: 60)) with { Zone = Berlin, Now = Instant.FromUtc(2026, 1, 1, 0, 0) };

        Assert.Equal(["01:00", "03:00"], Times(query, spring));
    }

    [Fact]
    public void FreeSeatsAtTellsTakenFromNotOffered()
    {
        var query = Query(Weekly(("09:00", "11:00")), Service(duration: 60)) with { Booked = [Booking(Monday, "09:00", 60)] };

        Assert.Equal(0, SlotFinder.FreeSeatsAt(query, Monday.At(new LocalTime(9, 0))));
        Assert.True(SlotFinder.IsOfferedIgnoringSeats(query, Monday.At(new LocalTime(9, 0))));
        Assert.False(SlotFinder.IsOfferedIgnoringSeats(query, Monday.At(new LocalTime(9, 30))));
        Assert.Equal(1, SlotFinder.FreeSeatsAt(query, Monday.At(new LocalTime(10, 0))));
    }

    private static readonly TimeOfDayRange[] AllDay = [new TimeOfDayRange(0, TimeOfDayRange.MinutesPerDay)];

    private static SlotQuery Query(Func<LocalDate, IReadOnlyList<TimeOfDayRange>> hours, SlotRules rules) =>
        new(Pacific, hours, rules, _ => AllDay, _ => false, [], Instant.FromUtc(2026, 1, 1, 0, 0));

    // Working hours as the calendar grain computes them, from availability assignments at location 1.
    private static Func<LocalDate, IReadOnlyList<TimeOfDayRange>> Hours(ImmutableArray<AvailabilityAssignment> assignments) =>
        date => WorkingHours.On(assignments, 1, date.ToDateOnly());

    private static SlotRules Service(int duration, int padding = 0, int step = 0, int priorNoticeHours = 0, int afterNoticeDays = 0, int seats = 1) =>
        new(1, duration, padding, step, priorNoticeHours, afterNoticeDays, seats);

    private static Func<LocalDate, IReadOnlyList<TimeOfDayRange>> Weekly(params (string Start, string End)[] ranges) =>
        Hours([Rule(weekly: true, outOfOffice: false, from: null, to: null, ranges)]);

    private static AvailabilityAssignment Rule(bool weekly, bool outOfOffice, LocalDate? from, LocalDate? to, params (string Start, string End)[] ranges)
    {
        var day = ranges.Select(r => new TimeOfDayRange(Minutes(r.Start), Minutes(r.End))).ToImmutableArray();
        return new AvailabilityAssignment(
            weekly ? AvailabilityRepeat.Weekly : AvailabilityRepeat.DateInterval,
            outOfOffice ? AvailabilityType.OutOfOffice : AvailabilityType.Available,
            from?.ToDateOnly(),
            to?.ToDateOnly(),
            1,
            Enum.GetValues<DayOfWeek>().ToImmutableDictionary(d => d, _ => day));
    }

    private static int Minutes(string hhmm) => (int.Parse(hhmm[..2], null) * 60) + int.Parse(hhmm[3..], null);

    private static BookedInterval Booking(LocalDate date, string start, int minutes, long serviceId = 1)
    {
        var instant = Pacific.AtStrictly(date.At(LocalTime.FromMinutesSinceMidnight(Minutes(start)))).ToInstant();
        return new BookedInterval(instant, instant + Duration.FromMinutes(minutes), serviceId);
    }

    private static List<string> Times(SlotQuery query, LocalDate date) =>
        [.. SlotFinder.Find(query, date, date).Select(s => s.Start.TimeOfDay.ToString("HH:mm", null))];
}
