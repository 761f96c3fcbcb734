using Orleans;
using Scheduling.Contracts.Records;

namespace Scheduling.Contracts.Appointments;

/// <summary>
/// An appointment as stored (one row of the appointments table): the columns the calendar and the list
/// filters need as typed values, and every other API field in <see cref="Values"/> (schema names, as
/// <see cref="AppointmentSchemas.Appointment"/> declares them). Times are instants; they are shown in the
/// zone <see cref="TimeZoneId"/> (the location's when it was booked) unless a read asks for another.
/// </summary>
[GenerateSerializer]
[Alias("scheduling.appointment")]
[Immutable]
public sealed record Appointment
{
    [Id(0)]
    public required long Id { get; init; }

    [Id(1)]
    public required long CompanyId { get; init; }

    [Id(2)]
    public required long EmployeeId { get; init; }

    [Id(3)]
    public required long LocationId { get; init; }

    [Id(4)]
    public required long ServiceId { get; init; }

    [Id(5)]
    public required long ClientId { get; init; }

    [Id(6)]
    public required DateTimeOffset Start { get; init; }

    [Id(7)]
    public required DateTimeOffset End { get; init; }

    /// <summary>The end of the time the appointment blocks: <see cref="End"/> plus the service's padding.</summary>
    [Id(8)]
    public required DateTimeOffset BlockEnd { get; init; }

    [Id(9)]
    public required int Status { get; init; }

    /// <summary>
    /// Which appointments may overlap this one: seats of one group session share <c>g:{service}:{start unix}</c>,
    /// any other appointment has its own <c>a:{id}</c>. The database's exclusion constraint reads it.
    /// </summary>
    [Id(10)]
    public required string SessionKey { get; init; }

    [Id(11)]
    public required int TimeZoneId { get; init; }

    /// <summary>Counts this appointment's changes: every write is conditional on the version it read.</summary>
    [Id(12)]
    public required long Version { get; init; }

    [Id(13)]
    public required FieldMap Values { get; init; }

    [Id(14)]
    public required DateTimeOffset CreatedAt { get; init; }

    [Id(15)]
    public required DateTimeOffset UpdatedAt { get; init; }

    public bool Occupies => AppointmentStatus.Occupies(Status);

    public int DurationMinutes => (int)(End - Start).TotalMinutes;

    /// <summary>The session key of a booking: shared by the seats of a group session (<paramref name="seats"/> &gt; 1).</summary>
    public static string SessionKeyFor(long appointmentId, long serviceId, DateTimeOffset start, int seats) =>
        seats > 1
            ? FormattableString.Invariant($"g:{serviceId}:{start.ToUnixTimeSeconds()}")
            : FormattableString.Invariant($"a:{appointmentId}");
}

/// <summary>Where and when an appointment was before a reschedule (SPEC §9 "previous").</summary>
[GenerateSerializer]
[Alias("scheduling.appointment-place")]
[Immutable]
public sealed record AppointmentPlace([Id(0)] DateTimeOffset Start, [Id(1)] DateTimeOffset End, [Id(2)] long EmployeeId, [Id(3)] long LocationId, [Id(4)] long ServiceId)
{
    public static AppointmentPlace Of(Appointment appointment) =>
        new(appointment.Start, appointment.End, appointment.EmployeeId, appointment.LocationId, appointment.ServiceId);
}
