using static Scheduling.Grains.Notifications.AppointmentMailParts;

namespace Scheduling.Grains.Notifications;

/// <summary>To the client when the appointment is canceled (status 3 without a decline reason).</summary>
public static class CancellationMail
{
    public static EmailMessage Render(AppointmentDetails details, string to) => new(
        to,
        $"Canceled: {details.ServiceName}, {details.When}",
        $"""
        {Greeting(details)}

        Your appointment with {details.CompanyName} is canceled.

        {FactsText(details)}
        """,
        $"""
        <p>{Html(Greeting(details))}</p>
        <p>Your appointment with {Html(details.CompanyName)} is canceled.</p>
        {FactsHtml(details)}
        """);
}
