using System.Globalization;
using Scheduling.ApiHost.Api;
using Scheduling.ApiHost.Appointments;
using Scheduling.ApiHost.Availability;
using Scheduling.ApiHost.Idempotency;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Links;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Services;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Clients;

namespace Scheduling.ApiHost.Widget;

/// <summary>
/// The self-service links e-mailed to clients (<c>/manage/{token}</c>, signed by <see cref="Grains.Links.AppointmentLinks"/>):
/// <c>GET /api/v2/public/manage/{token}</c> summarises the appointment and says whether the link's action is allowed now;
/// <c>POST .../cancel</c>, <c>.../reschedule</c> (<c>start_date</c>, in <c>tz</c> or the location's zone) and
/// <c>.../confirm</c> act; <c>GET .../availability</c> lists the times a reschedule may choose (same provider).
/// A token acts only as its type says. Cancel and reschedule follow the service's windows (SPEC §8): 0 hours = not
/// online; else until that many hours before the start. Changes go through the same code as PUT /appointment.
/// </summary>
public static class ManageLinksApi
{
    public static IEndpointRouteBuilder MapManageLinksApi(this IEndpointRouteBuilder endpoints)
    {
        var manage = endpoints.MapGroup("/api/v2/public/manage/{token}");
        manage.MapGet("/", GetAsync);
        manage.MapGet("/availability", AvailabilityAsync);
        manage.MapPost("/cancel", CancelAsync).WithIdempotency();
        manage.MapPost("/reschedule", RescheduleAsync).WithIdempotency();
        manage.MapPost("/confirm", ConfirmAsync).WithIdempotency();
        return endpoints;
    }

    private static async Task<IResult> GetAsync(VisitorCall call, IAppointmentStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var appointment = await LoadAsync(call, store, cancellationToken);
        var service = await call.Grains.GetGrain<IServiceGrain>(appointment.ServiceId).GetAsync();
        var refusal = Refusal(call.Link!.Type, appointment, service, time.GetUtcNow());
        var summary = await AppointmentSummary.ReadAsync(call.Grains, call.Account, appointment);
        return ApiEnvelope.Ok(new Dictionary<string, object?>
        {
            ["action"] = Grains.Links.AppointmentLinks.TypeName(call.Link.Type),
            ["allowed"] = refusal is null,
            ["reason"] = refusal,
            ["appointment"] = summary.Render(),
            ["nick_name"] = call.Account.Profile.GetText("nick_name") ?? string.Empty,
        });
    }

    /// <summary>Free times for a reschedule: the appointment's service, location and provider.</summary>
    private static async Task<IResult> AvailabilityAsync(VisitorCall call, IAppointmentStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var appointment = await ActionableAsync(call, store, time, AppointmentLinkType.Reschedule, cancellationToken);
        var fields = new Dictionary<string, System.Text.Json.JsonElement>(PublicBookingApi.Zone(call.Request))
        {
            ["service_id"] = FieldValues.Number(appointment.ServiceId),
            ["location_id"] = FieldValues.Number(appointment.LocationId),
            ["provider_id"] = FieldValues.Number(appointment.EmployeeId),
        };
        if (appointment.Values.GetText(AppointmentField.Subservices) is { Length: > 0 } subservices)
        {
            fields["subservices"] = FieldValues.Text(subservices);
        }

        return await AvailabilityApi.GetAsync(call.Scoped(["start_date", "t", "no_of_weeks", "first_available"], fields), time);
    }

    private static async Task<IResult> CancelAsync(VisitorCall call, IAppointmentStore store, IClientStore clients, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        var appointment = await ActionableAsync(call, store, time, AppointmentLinkType.Cancel, cancellationToken);
        var changed = await AppointmentsApi.ChangeAsync(
            call.Scoped([], new Dictionary<string, System.Text.Json.JsonElement> { [AppointmentField.Status] = FieldValues.Number(AppointmentStatus.Canceled) }),
            store, clients, loggers, appointment.Id, cancellationToken);
        return await AnswerAsync(call, changed);
    }

    private static async Task<IResult> RescheduleAsync(VisitorCall call, IAppointmentStore store, IClientStore clients, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        var appointment = await ActionableAsync(call, store, time, AppointmentLinkType.Reschedule, cancellationToken);
        call.Request.RequireString(AppointmentField.StartDate, 64);
        var changed = await AppointmentsApi.ChangeAsync(
            call.Scoped([AppointmentField.StartDate], PublicBookingApi.Zone(call.Request)), store, clients, loggers, appointment.Id, cancellationToken);
        return await AnswerAsync(call, changed);
    }

    /// <summary>E-mail verification: an unverified appointment (0) takes the status it would have had (SPEC §5); others stay.</summary>
    private static async Task<IResult> ConfirmAsync(VisitorCall call, IAppointmentStore store, IClientStore clients, ILoggerFactory loggers, TimeProvider time, CancellationToken cancellationToken)
    {
        var appointment = await ActionableAsync(call, store, time, AppointmentLinkType.Confirm, cancellationToken);
        if (appointment.Status == AppointmentStatus.Unverified)
        {
            var service = await call.Grains.GetGrain<IServiceGrain>(appointment.ServiceId).GetAsync();
            var booked = service?.AutoConfirm == true ? AppointmentStatus.Confirmed : AppointmentStatus.Unconfirmed;
            appointment = await AppointmentsApi.ChangeAsync(
                call.Scoped([], new Dictionary<string, System.Text.Json.JsonElement> { [AppointmentField.Status] = FieldValues.Number(booked) }),
                store, clients, loggers, appointment.Id, cancellationToken);
        }

        return await AnswerAsync(call, appointment);
    }

    /// <summary>The link's appointment when the link is of <paramref name="type"/> and its action is allowed now; else 403 / 8 saying why.</summary>
    private static async Task<Appointment> ActionableAsync(VisitorCall call, IAppointmentStore store, TimeProvider time, AppointmentLinkType type, CancellationToken cancellationToken)
    {
        var appointment = await LoadAsync(call, store, cancellationToken);
        if (call.Link!.Type != type)
        {
            throw new NotPermittedException($"this link does not allow to {Grains.Links.AppointmentLinks.TypeName(type)} the appointment");
        }

        var service = await call.Grains.GetGrain<IServiceGrain>(appointment.ServiceId).GetAsync();
        return Refusal(type, appointment, service, time.GetUtcNow()) is { } refusal ? throw new NotPermittedException(refusal) : appointment;
    }

    /// <summary>Why the action cannot be done now, or null when it can.</summary>
    internal static string? Refusal(AppointmentLinkType type, Appointment appointment, ServiceSnapshot? service, DateTimeOffset now)
    {
        if (type == AppointmentLinkType.Confirm)
        {
            return appointment.Status == AppointmentStatus.Canceled ? "the appointment is canceled" : null;
        }

        if (appointment.Status == AppointmentStatus.Canceled)
        {
            return "the appointment is already canceled";
        }

        var hours = type == AppointmentLinkType.Cancel ? service?.CancelAppointmentHours ?? 0 : service?.RescheduleAppointmentHours ?? 0;
        var verb = type == AppointmentLinkType.Cancel ? "canceled" : "rescheduled";
        if (hours <= 0)
        {
            return $"this appointment cannot be {verb} online; please contact us";
        }

        return now > appointment.Start.AddHours(-hours)
            ? string.Create(CultureInfo.InvariantCulture, $"this appointment can be {verb} online only until {hours} hours before it starts; please contact us")
            : null;
    }

    private static async Task<Appointment> LoadAsync(VisitorCall call, IAppointmentStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(call.CompanyId, call.Link!.AppointmentId, cancellationToken) ?? throw new NotFoundException("this link is not valid");

    private static async Task<IResult> AnswerAsync(VisitorCall call, Appointment appointment)
    {
        var summary = await AppointmentSummary.ReadAsync(call.Grains, call.Account, appointment);
        return ApiEnvelope.Ok(new Dictionary<string, object?> { ["appointment"] = summary.Render(PublicBookingApi.VisitorZoneId(call.Request)) });
    }
}
