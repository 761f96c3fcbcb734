namespace Scheduling.Grains.Notifications;

/// <summary>Text messages to an employee's SMS gateway (<c>sms_email</c>): one short line, no HTML.</summary>
public static class AppointmentSms
{
    public static EmailMessage NewBooking(AppointmentDetails details, string to) =>
        new(to, "New appointment", Shorten($"New: {details.ClientName}, {details.ServiceName}, {details.WhenShort}"));

    public static EmailMessage Reminder(AppointmentDetails details, string to) =>
        new(to, "Reminder", Shorten($"Reminder: {details.ClientName}, {details.ServiceName}, {details.WhenShort}"));

    // One SMS holds 160 characters; a gateway splits or drops longer ones.
    private static string Shorten(string text) => text.Length <= 160 ? text : text[..157] + "...";
}
