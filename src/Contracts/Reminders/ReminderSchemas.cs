using System.Text.Json;
using Scheduling.Contracts.Records;

namespace Scheduling.Contracts.Reminders;

/// <summary>The fields of POST /appointment/sendReminder (SPEC §4), declared once.</summary>
public static class ReminderSchemas
{
    public const string AppointmentId = "appointment_id";
    public const string SendTo = "send_to";

    public static RecordSchema SendReminder { get; } = new("send reminder",
    [
        new(AppointmentId, FieldKind.Long) { Required = true, Min = 1 },
        new(SendTo, FieldKind.Text) { AllowedValues = ["client", "provider", "both"], Default = JsonSerializer.SerializeToElement("both") },
    ]);

    /// <summary>The reference's <c>send_to</c> as recipients; null for any other text.</summary>
    public static ReminderRecipients? ParseSendTo(string? sendTo) => sendTo switch
    {
        null or "" or "both" => ReminderRecipients.Both,
        "client" => ReminderRecipients.Client,
        "provider" => ReminderRecipients.Provider,
        _ => null,
    };

    /// <summary>The reference's answer: "Sent to client", "Sent to provider", "Sent to provider and client".</summary>
    public static string Describe(ReminderRecipients recipients) => recipients switch
    {
        ReminderRecipients.Client => "Sent to client",
        ReminderRecipients.Provider => "Sent to provider",
        _ => "Sent to provider and client",
    };
}
