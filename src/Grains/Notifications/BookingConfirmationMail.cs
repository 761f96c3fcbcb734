using static Scheduling.Grains.Notifications.AppointmentMailParts;

namespace Scheduling.Grains.Notifications;

/// <summary>To the client when an appointment is booked (status 1: requested, awaiting the business; 2: confirmed) or confirmed later.</summary>
public static class BookingConfirmationMail
{
    public static EmailMessage Render(AppointmentDetails details, string to)
    {
        var confirmed = details.Status == Contracts.Appointments.AppointmentStatus.Confirmed;
        var state = confirmed ? "is confirmed" : "is booked and waits for confirmation by " + details.CompanyName;
        return new EmailMessage(
            to,
            confirmed ? $"Confirmed: {details.ServiceName}, {details.When}" : $"Booked: {details.ServiceName}, {details.When}",
            $"""
            {Greeting(details)}

            Your appointment with {details.CompanyName} {state}.

            {FactsText(details)}

            {ManageText(details)}
            """,
            $"""
            <p>{Html(Greeting(details))}</p>
            <p>Your appointment with {Html(details.CompanyName)} {Html(state)}.</p>
            {FactsHtml(details)}
            {ManageHtml(details)}
            """);
    }
}
