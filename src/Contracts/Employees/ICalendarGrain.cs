using Orleans.Concurrency;
using System.Collections.Immutable;
using System.Text.Json;
using Orleans;
using Scheduling.Contracts.Catalog;

namespace Scheduling.Contracts.Employees;

/// <summary>
/// An employee's calendar, keyed by employee id: the single writer of that employee's time (DESIGN §4).
/// It holds the employee's profile and working hours per location (assignAvailability); bookings join it
/// later, so that one version guards hours and booked time together.
/// </summary>
public interface ICalendarGrain : IGrainWithIntegerKey
{
    /// <summary>Creates the employee; a password (optional) is kept only as a salted hash.</summary>
    Task<EmployeeSnapshot> CreateAsync(long companyId, ImmutableDictionary<string, JsonElement> values, string? password);

    /// <summary>The employee, or null when it does not exist (never created, or deleted).</summary>
    [ReadOnly]
    Task<EmployeeSnapshot?> GetAsync();

    Task<EmployeeSnapshot> UpdateAsync(ImmutableDictionary<string, JsonElement> changes, string? password);

    /// <summary>Sets the uploaded photo; returns the one it replaces (its media can be deleted).</summary>
    Task<CatalogPhoto?> SetPhotoAsync(CatalogPhoto photo);

    /// <summary>Removes the photo named <paramref name="fileName"/> (file name or URL); throws NotFoundException when it is not this employee's.</summary>
    Task<CatalogPhoto> RemovePhotoAsync(string fileName);

    /// <summary>Replaces every availability assignment (working hours and out-of-office periods), already validated.</summary>
    Task SetAvailabilityAsync(ImmutableArray<AvailabilityAssignment> assignments);

    [ReadOnly]
    Task<ImmutableArray<AvailabilityAssignment>> GetAvailabilityAsync();

    /// <summary>Drops the assignments at a deleted location.</summary>
    Task RemoveLocationAsync(long locationId);

    Task DeleteAsync();

    /// <summary>
    /// The starts this employee can take for the request's service at its location, computed from the
    /// calendar's in-memory hours and bookings (SPEC §7); none when the employee is inactive.
    /// </summary>
    [ReadOnly]
    Task<ImmutableArray<Availability.SlotTime>> GetSlotsAsync(Availability.SlotRequest request);

    /// <summary>
    /// Books a new appointment (id already allocated) after re-checking the slot (SPEC §8): not offered →
    /// SlotNotAvailableException (422 / 9), no free seat → SlotOccupiedException (409 / 10).
    /// </summary>
    Task<Appointments.Appointment> BookAsync(Appointments.BookingRequest request);

    /// <summary>
    /// Saves a changed appointment of this employee, or moves another employee's appointment here (the request's
    /// slot names this calendar's time): a new time is re-checked and taken in the same row write that frees the old
    /// one; status 3 frees the time. NotFoundException when the appointment is not (or no longer) this employee's.
    /// </summary>
    Task<Appointments.Appointment> ChangeAppointmentAsync(Appointments.BookingRequest request);

    /// <summary>After a move to another calendar: forgets the appointment's old interval held in memory.</summary>
    Task ReleaseMovedAsync(Appointments.Appointment moved);

    /// <summary>Deletes one of this employee's appointments (its row goes; an event tells the subscribers).</summary>
    Task DeleteAppointmentAsync(long companyId, long appointmentId);

    /// <summary>
    /// Makes the employee's imported busy time (status 4) match <paramref name="events"/>, the external calendar's
    /// events as fetched now: one busy appointment per event UID, added, moved or removed, so availability leaves
    /// those times out. Events that have ended are ignored; no events removes every future imported block.
    /// </summary>
    Task<BusyTimeSync> ImportBusyTimeAsync(long companyId, int timeZoneId, ImmutableArray<BusyEvent> events);
}

/// <summary>An employee's profile as stored (the password hash stays inside the grain).</summary>
[GenerateSerializer]
[Alias("scheduling.employee-snapshot")]
[Immutable]
public sealed record EmployeeSnapshot(
    [Id(0)] long Id,
    [Id(1)] long CompanyId,
    [Id(2)] DateTimeOffset CreatedAt,
    [Id(3)] ImmutableDictionary<string, JsonElement> Values,
    [Id(4)] CatalogPhoto? Photo,
    [Id(5)] bool CanLogin)
{
    /// <summary>Active employees take appointments; inactive ones (receptionists) do not.</summary>
    public bool Active => Records.FieldValues.GetBool(Values, "status") ?? true;

    public string Email => Records.FieldValues.GetText(Values, "email") ?? string.Empty;

    /// <summary>The employee's nickname, or null when none is set.</summary>
    public string? Nickname => Records.FieldValues.GetText(Values, "nickname") is { Length: > 0 } nickname ? nickname : null;
}
