using System.Text.Json;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Links;
using Scheduling.Contracts.Locations;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Services;
using Scheduling.Grains.Links;

namespace Scheduling.Grains.Notifications;

/// <summary>
/// Gathers what an appointment's e-mails need from the grains that own it (account, service, employee, location)
/// and signs the client's self-service links. Read when a message is made, so it shows names as they are then.
/// </summary>
public sealed class AppointmentDetailsReader(IGrainFactory grains, AppointmentLinks links)
{
    /// <summary>The appointment's notices as its account and service are set now.</summary>
    public async Task<AppointmentNotices> NoticesAsync(Appointment appointment) => AppointmentNotices.For(
        await grains.GetGrain<IAccountGrain>(appointment.CompanyId).GetAsync(),
        await grains.GetGrain<IServiceGrain>(appointment.ServiceId).GetAsync() is { } service && service.CompanyId == appointment.CompanyId ? service : null);

    /// <summary>
    /// Who the appointment's messages go to, with the account's e-mail switches as <paramref name="notices"/> carry them
    /// (those of a change, as they were when it was made), else as they are now.
    /// </summary>
    public async Task<AppointmentAudience> AudienceAsync(Appointment appointment, AppointmentNotices? notices = null)
    {
        notices ??= await NoticesAsync(appointment);
        var employee = await EmployeeAsync(appointment);
        return new AppointmentAudience(
            ClientEmail: appointment.Values.GetText(AppointmentField.ClientEmail) ?? string.Empty,
            ProviderEmail: employee?.Email ?? string.Empty,
            SmsAddress: employee is null ? null : SmsAddress(employee),
            ClientEmails: notices.ClientEmails,
            ProviderEmails: notices.ProviderEmails);
    }

    public async Task<AppointmentDetails> DetailsAsync(Appointment appointment, AppointmentPlace? previous = null)
    {
        var account = await grains.GetGrain<IAccountGrain>(appointment.CompanyId).GetAsync();
        // The row's ids were checked when it was booked; the company checks keep another tenant's names out regardless.
        var service = await grains.GetGrain<IServiceGrain>(appointment.ServiceId).GetAsync() is { } s && s.CompanyId == appointment.CompanyId ? s : null;
        var employee = await EmployeeAsync(appointment);
        var location = await grains.GetGrain<ILocationGrain>(appointment.LocationId).GetAsync() is { } l && l.CompanyId == appointment.CompanyId ? l : null;
        var company = account?.Profile.GetText("company_name") is { Length: > 0 } name ? name : $"#{appointment.CompanyId}";
        return new AppointmentDetails
        {
            AppointmentId = appointment.Id,
            CompanyName = company,
            ServiceName = service?.Name ?? "Appointment",
            ProviderName = employee is null ? string.Empty : $"{employee.Values.GetText("first_name")} {employee.Values.GetText("last_name")}".Trim(),
            LocationName = location?.Values.GetText("name") ?? string.Empty,
            LocationAddress = location is null ? string.Empty : Address(location),
            ClientName = appointment.Values.GetText(AppointmentField.ClientName) ?? string.Empty,
            When = AppointmentDetails.FormatWhen(appointment.Start, appointment.End, appointment.TimeZoneId),
            WhenShort = AppointmentDetails.FormatShort(appointment.Start, appointment.TimeZoneId),
            PreviousWhen = previous is null ? null : AppointmentDetails.FormatWhen(previous.Start, previous.End, appointment.TimeZoneId),
            Status = appointment.Status,
            Reason = appointment.Values.GetText(AppointmentField.Reason) ?? string.Empty,
            CancelUrl = await LinkAsync(appointment, AppointmentLinkType.Cancel),
            RescheduleUrl = await LinkAsync(appointment, AppointmentLinkType.Reschedule),
            ConfirmUrl = await LinkAsync(appointment, AppointmentLinkType.Confirm),
        };
    }

    /// <summary>
    /// The employee's SMS gateway address when <c>receivesms</c> is on: <c>sms_email</c> with the keyword "number"
    /// replaced by the digits of the employee's phone (reference: "number@txt.att.net").
    /// </summary>
    public static string? SmsAddress(EmployeeSnapshot employee)
    {
        if (employee.Values.GetBool("receivesms") != true || employee.Values.GetText("sms_email") is not { Length: > 0 } gateway)
        {
            return null;
        }

        if (!gateway.Contains("number", StringComparison.OrdinalIgnoreCase))
        {
            return gateway;
        }

        var digits = new string((employee.Values.GetText("phone") ?? string.Empty).Where(char.IsAsciiDigit).ToArray());
        return digits.Length == 0 ? null : gateway.Replace("number", digits, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<EmployeeSnapshot?> EmployeeAsync(Appointment appointment)
    {
        var employee = await grains.GetGrain<ICalendarGrain>(appointment.EmployeeId).GetAsync();
        return employee?.CompanyId == appointment.CompanyId ? employee : null;
    }

    private async Task<string> LinkAsync(Appointment appointment, AppointmentLinkType type) =>
        links.PageUrl(await links.CreateAsync(appointment.CompanyId, appointment.Id, type));

    private static string Address(LocationSnapshot location)
    {
        var parts = new[] { "street1", "street2", "city", "state", "zip", "country" }
            .Select(field => location.Values.GetText(field))
            .Where(part => !string.IsNullOrWhiteSpace(part));
        return string.Join(", ", parts);
    }
}

/// <summary>Who an appointment's messages go to, and what the account lets go out.</summary>
/// <param name="SmsAddress">The employee's SMS gateway address, when the employee receives SMS.</param>
/// <param name="ClientEmails">The account option <c>widget_send_client_emails</c>.</param>
/// <param name="ProviderEmails">The account option <c>widget_send_provider_emails</c>.</param>
public sealed record AppointmentAudience(string ClientEmail, string ProviderEmail, string? SmsAddress, bool ClientEmails, bool ProviderEmails);
