using static Scheduling.Grains.Notifications.AppointmentMailParts;

namespace Scheduling.Grains.Notifications;

/// <summary>To the client when the business declines the appointment (POST /appointment/decline), with its reason.</summary>
public static class DeclineMail
{
    public static EmailMessage Render(AppointmentDetails details, string to) => new(
        to,
        $"Declined: {details.ServiceName}, {details.When}",
        $"""
        {Greeting(details)}

        {details.CompanyName} declined your appointment.
        Reason: {details.Reason}

        {FactsText(details)}
        """,
        $"""
        <p>{Html(Greeting(details))}</p>
        <p>{Html(details.CompanyName)} declined your appointment.</p>
        <p>Reason: {Html(details.Reason)}</p>
        {FactsHtml(details)}
        """);
}
