using System.Collections.Immutable;
using System.Text.Json;
using Orleans;
using Scheduling.Contracts.Catalog;
using Scheduling.Contracts.Employees;

namespace Scheduling.Contracts.Services;

/// <summary>
/// A service as stored: the schema values for the API, and the same settings as typed values for the
/// availability engine and booking rules (minutes, hours, days as the reference defines them).
/// </summary>
[GenerateSerializer]
[Alias("scheduling.service-snapshot")]
[Immutable]
public sealed record ServiceSnapshot
{
    [Id(0)]
    public required long Id { get; init; }

    [Id(1)]
    public required long CompanyId { get; init; }

    [Id(2)]
    public required DateTimeOffset CreatedAt { get; init; }

    [Id(3)]
    public required ImmutableDictionary<string, JsonElement> Values { get; init; }

    [Id(4)]
    public CatalogPhoto? Photo { get; init; }

    [Id(5)]
    public required string Name { get; init; }

    /// <summary>Minutes an appointment of this service lasts.</summary>
    [Id(6)]
    public required int DurationMinutes { get; init; }

    /// <summary>Minutes kept free after an appointment.</summary>
    [Id(7)]
    public required int PaddingMinutes { get; init; }

    /// <summary>0: slots follow each other every duration + padding; k: any multiple of k minutes (SPEC §7).</summary>
    [Id(8)]
    public required int StartStepMinutes { get; init; }

    /// <summary>Earliest start: this many hours after now.</summary>
    [Id(9)]
    public required int PriorNoticeHours { get; init; }

    /// <summary>Latest start: this many days ahead; 0 = no limit.</summary>
    [Id(10)]
    public required int AfterNoticeDays { get; init; }

    /// <summary>Hours before the start until which a client may cancel; 0 = clients may not.</summary>
    [Id(11)]
    public required int CancelAppointmentHours { get; init; }

    /// <summary>Hours before the start until which a client may reschedule; 0 = clients may not.</summary>
    [Id(12)]
    public required int RescheduleAppointmentHours { get; init; }

    [Id(13)]
    public required int SendReminderHours { get; init; }

    /// <summary>Appointments that may share one start (group_session, at least 1).</summary>
    [Id(14)]
    public required int Seats { get; init; }

    [Id(15)]
    public required int MaxClients { get; init; }

    [Id(16)]
    public required bool AutoConfirm { get; init; }

    [Id(17)]
    public required bool IsSubservice { get; init; }

    [Id(18)]
    public required bool RequireAddon { get; init; }

    /// <summary>The add-ons a client may book with this service, in order.</summary>
    [Id(19)]
    public required ImmutableArray<long> SubServiceIds { get; init; }

    /// <summary>status: an inactive service is never offered.</summary>
    [Id(20)]
    public required bool Active { get; init; }

    [Id(21)]
    public DateOnly? ActiveFrom { get; init; }

    [Id(22)]
    public DateOnly? ActiveUntil { get; init; }

    /// <summary>Whether <see cref="ActiveFrom"/>/<see cref="ActiveUntil"/> apply.</summary>
    [Id(23)]
    public required bool ActiveIntervalStatus { get; init; }

    /// <summary>When set, the service is offered only inside <see cref="Schedule"/>.</summary>
    [Id(24)]
    public required bool SetSchedule { get; init; }

    [Id(25)]
    public required ImmutableArray<ServiceScheduleEntry> Schedule { get; init; }

    [Id(26)]
    public required decimal Price { get; init; }

    [Id(27)]
    public required decimal PaymentMinAmount { get; init; }

    [Id(28)]
    public required bool AllowCashPayment { get; init; }

    /// <summary>Status and the active interval on a local date (the schedule, when set, narrows the times further).</summary>
    public bool IsActiveOn(DateOnly date) =>
        Active && (!ActiveIntervalStatus || ((ActiveFrom is not { } from || date >= from) && (ActiveUntil is not { } until || date <= until)));

    /// <summary>The windows of a local date inside which the service may be booked: the whole day without a schedule.</summary>
    public ImmutableArray<TimeOfDayRange> WindowsOn(DateOnly date)
    {
        if (!IsActiveOn(date))
        {
            return [];
        }

        if (!SetSchedule)
        {
            return [new TimeOfDayRange(0, TimeOfDayRange.MinutesPerDay)];
        }

        return [.. Schedule.Where(e => e.OccursOn(date)).Select(e => e.Window).OrderBy(w => w.StartMinute)];
    }
}

/// <summary>How a service schedule entry recurs (SPEC §5).</summary>
[GenerateSerializer]
[Alias("scheduling.schedule-repeat")]
public enum ScheduleRepeat
{
    /// <summary>Every day from start_date to end_date (end_date defaults to start_date): a one-off event.</summary>
    Once = 0,

    /// <summary>The listed weekdays (1 Monday … 7 Sunday, ISO 8601) between the dates; no end_date = open-ended.</summary>
    Weekly = 1,

    /// <summary>The listed days of the month (1-31) between the dates; no end_date = open-ended.</summary>
    Monthly = 2,
}

/// <summary>
/// One entry of a service's schedule: on each date it occurs, the service may be booked inside
/// <see cref="Window"/> (start_time to end_time, local time of the location).
/// </summary>
[GenerateSerializer]
[Alias("scheduling.service-schedule-entry")]
[Immutable]
public sealed record ServiceScheduleEntry(
    [Id(0)] ScheduleRepeat Repeat,
    [Id(1)] DateOnly StartDate,
    [Id(2)] DateOnly? EndDate,
    [Id(3)] TimeOfDayRange Window,
    [Id(4)] ImmutableArray<int> Days)
{
    public bool OccursOn(DateOnly date)
    {
        var end = EndDate ?? (Repeat == ScheduleRepeat.Once ? StartDate : DateOnly.MaxValue);
        if (date < StartDate || date > end)
        {
            return false;
        }

        return Repeat switch
        {
            ScheduleRepeat.Once => true,
            ScheduleRepeat.Weekly => Days.Contains(date.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)date.DayOfWeek),
            ScheduleRepeat.Monthly => Days.Contains(date.Day),
            _ => false,
        };
    }
}
