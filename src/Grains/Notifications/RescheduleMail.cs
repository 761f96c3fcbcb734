using static Scheduling.Grains.Notifications.AppointmentMailParts;

namespace Scheduling.Grains.Notifications;

/// <summary>To the client when an appointment moved: the new time (and the old one), with the self-service links.</summary>
public static class RescheduleMail
{
    public static EmailMessage Render(AppointmentDetails details, string to)
    {
        var before = details.PreviousWhen is { } previous ? $" (it was {previous})" : string.Empty;
        return new EmailMessage(
            to,
            $"Rescheduled: {details.ServiceName}, {details.When}",
            $"""
            {Greeting(details)}

            Your appointment with {details.CompanyName} has a new time{before}.

            {FactsText(details)}

            {ManageText(details)}
            """,
            $"""
            <p>{Html(Greeting(details))}</p>
            <p>Your appointment with {Html(details.CompanyName)} has a new time{Html(before)}.</p>
            {FactsHtml(details)}
            {ManageHtml(details)}
            """);
    }
}
