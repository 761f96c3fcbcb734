using static Scheduling.Grains.Notifications.AppointmentMailParts;

namespace Scheduling.Grains.Notifications;

/// <summary>To the client of an unverified appointment (status 0): the link that confirms the e-mail address and the booking.</summary>
public static class VerificationMail
{
    public static EmailMessage Render(AppointmentDetails details, string to) => new(
        to,
        $"Please confirm your appointment: {details.ServiceName}, {details.When}",
        $"""
        {Greeting(details)}

        Please confirm your appointment with {details.CompanyName} by opening this link:
        {details.ConfirmUrl}

        {FactsText(details)}

        If you did not book this appointment, ignore this message.
        """,
        $"""
        <p>{Html(Greeting(details))}</p>
        <p>Please <a href="{Html(details.ConfirmUrl ?? string.Empty)}">confirm your appointment</a> with {Html(details.CompanyName)}.</p>
        {FactsHtml(details)}
        <p>If you did not book this appointment, ignore this message.</p>
        """);
}
