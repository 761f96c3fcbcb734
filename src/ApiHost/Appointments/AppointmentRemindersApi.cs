using Scheduling.Grains.Storage;
using Scheduling.ApiHost.Api;
using Scheduling.ApiHost.Idempotency;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Reminders;
using Scheduling.Grains.Appointments;

namespace Scheduling.ApiHost.Appointments;

/// <summary>
/// <c>POST /appointment/sendReminder</c> (SPEC §4): sends the appointment's reminder now, by e-mail to the client,
/// the provider or both (<c>send_to</c>, default both), and to the provider's SMS gateway when the employee receives
/// SMS. The automatic reminder before the start is not affected. Messages the mail server does not take at once
/// are retried in the background; the answer says whom the reminder was addressed to. Honours
/// <c>Idempotency-Key</c>, so a retried request does not send twice.
/// </summary>
public static class AppointmentRemindersApi
{
    public static IEndpointRouteBuilder MapAppointmentRemindersApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/v2/appointment/sendReminder", SendReminderAsync).AcceptsFields(ReminderSchemas.SendReminder).WithIdempotency();
        return endpoints;
    }

    private static async Task<IResult> SendReminderAsync(ApiCall call, IAppointmentStore store, CancellationToken cancellationToken)
    {
        var fields = ReminderSchemas.SendReminder.Bind(call.Request.Fields, create: true);
        var appointmentId = fields.GetLong(ReminderSchemas.AppointmentId)!.Value;
        var recipients = ReminderSchemas.ParseSendTo(fields.GetText(ReminderSchemas.SendTo))
            ?? throw new FieldValidationException(ReminderSchemas.SendTo, "must be client, provider or both");
        _ = await store.GetAsync(call.CompanyId, appointmentId, cancellationToken)
            ?? throw new NotFoundException($"appointment {appointmentId} not found");
        var sent = await StaleActivation.RetryAsync(() =>
            call.Grains.GetGrain<IAppointmentReminderGrain>(appointmentId).SendNowAsync(call.CompanyId, recipients));
        return ApiEnvelope.Ok(new Dictionary<string, object?>(), ReminderSchemas.Describe(sent));
    }
}
