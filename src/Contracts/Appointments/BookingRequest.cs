using System.Collections.Immutable;
using System.Text.Json;
using Orleans;
using Scheduling.Contracts.Availability;

namespace Scheduling.Contracts.Appointments;

/// <summary>
/// What a calendar needs to book an appointment, or to save a changed one: the appointment's id (new ids come
/// from the id generator before the call, so a location can offer the same booking to several calendars), the
/// slot it asks for (service, length, location, zone, holidays: what the calendar re-checks with the
/// availability engine), the start instant, the client, the status and the other API fields.
/// </summary>
/// <param name="Slot">The slot to check; null when a change keeps the appointment's time, place and service (a status or
/// field change of an occupying appointment), which then needs no re-check.</param>
/// <param name="Values">Every stored API field but the typed ones (client_name, note, custom_fields, ...), complete, not a delta.</param>
/// <param name="Notices">The reminder and e-mails the account and service ask for: the calendar plans the reminder from it.</param>
[GenerateSerializer]
[Alias("scheduling.booking-request")]
[Immutable]
public sealed record BookingRequest(
    [Id(0)] long AppointmentId,
    [Id(1)] long CompanyId,
    [Id(2)] SlotRequest? Slot,
    [Id(3)] DateTimeOffset Start,
    [Id(4)] long ClientId,
    [Id(5)] int Status,
    [Id(6)] ImmutableDictionary<string, JsonElement> Values,
    [Id(7)] AppointmentNotices Notices);
