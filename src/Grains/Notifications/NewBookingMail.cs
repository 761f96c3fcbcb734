using static Scheduling.Grains.Notifications.AppointmentMailParts;

namespace Scheduling.Grains.Notifications;

/// <summary>To the provider when a client books with them.</summary>
public static class NewBookingMail
{
    public static EmailMessage Render(AppointmentDetails details, string to)
    {
        var pending = details.Status switch
        {
            Contracts.Appointments.AppointmentStatus.Unverified => " It waits for the client to confirm their e-mail address.",
            Contracts.Appointments.AppointmentStatus.Unconfirmed => " It waits for your confirmation.",
            _ => string.Empty,
        };
        return new EmailMessage(
            to,
            $"New appointment: {details.ClientName}, {details.ServiceName}, {details.When}",
            $"""
            {details.ClientName} booked an appointment with you.{pending}

            {FactsText(details)}
            """,
            $"""
            <p>{Html(details.ClientName)} booked an appointment with you.{Html(pending)}</p>
            {FactsHtml(details)}
            """);
    }
}
