using static Scheduling.Grains.Notifications.AppointmentMailParts;

namespace Scheduling.Grains.Notifications;

/// <summary>The reminder before an appointment: to the client (with the self-service links) or to the provider.</summary>
public static class ReminderMail
{
    public static EmailMessage ToClient(AppointmentDetails details, string to) => new(
        to,
        $"Reminder: {details.ServiceName}, {details.When}",
        $"""
        {Greeting(details)}

        This is a reminder of your appointment with {details.CompanyName}.

        {FactsText(details)}

        {ManageText(details)}
        """,
        $"""
        <p>{Html(Greeting(details))}</p>
        <p>This is a reminder of your appointment with {Html(details.CompanyName)}.</p>
        {FactsHtml(details)}
        {ManageHtml(details)}
        """);

    public static EmailMessage ToProvider(AppointmentDetails details, string to) => new(
        to,
        $"Reminder: {details.ClientName}, {details.ServiceName}, {details.When}",
        $"""
        Upcoming appointment with {details.ClientName}.

        {FactsText(details)}
        """,
        $"""
        <p>Upcoming appointment with {Html(details.ClientName)}.</p>
        {FactsHtml(details)}
        """);
}
