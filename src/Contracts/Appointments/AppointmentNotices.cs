using System.Text.Json;
using Orleans;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Services;

namespace Scheduling.Contracts.Appointments;

/// <summary>
/// What an appointment's change tells whom, as the account and the service are set when the change is made: the hours
/// before the start its reminder goes out (0: none), whether the account e-mails clients and providers, and whether
/// the provider gets texts (the employee's SMS gateway, which the calendar fills in). A booking or change carries it to
/// the calendar, which plans the reminder in its own write; the change's event carries it on, so the notifications
/// grain is activated only for changes that send something (DESIGN §7).
/// </summary>
/// <param name="ReminderHours">The service's <c>send_reminder</c> when above 0, else the account's option; 0 means no reminder.</param>
/// <param name="ClientEmails">The account's <c>widget_send_client_emails</c>.</param>
/// <param name="ProviderEmails">The account's <c>widget_send_provider_emails</c>.</param>
/// <param name="ProviderTexts">The employee receives SMS through a gateway (set by the calendar, which owns the employee).</param>
[GenerateSerializer]
[Alias("scheduling.appointment-notices")]
[Immutable]
public sealed record AppointmentNotices([Id(0)] int ReminderHours, [Id(1)] bool ClientEmails, [Id(2)] bool ProviderEmails, [Id(3)] bool ProviderTexts = false)
{
    /// <summary>
    /// The notices of an appointment of <paramref name="account"/> for <paramref name="service"/> (the company's own;
    /// null when gone). Without the account there is no reminder but the service's, and e-mails go out.
    /// </summary>
    public static AppointmentNotices For(AccountSnapshot? account, ServiceSnapshot? service) => new(
        ReminderHours: service is { SendReminderHours: > 0 } ? service.SendReminderHours
            : account is not null && Option(account, "send_reminder") is { ValueKind: JsonValueKind.Number } hours ? hours.GetInt32()
            : 0,
        ClientEmails: account is null || Flag(account, "widget_send_client_emails"),
        ProviderEmails: account is null || Flag(account, "widget_send_provider_emails"));

    /// <summary>An account option as set, else its schema default (accounts store only what was saved).</summary>
    private static JsonElement? Option(AccountSnapshot account, string name) =>
        account.Options.TryGetValue(name, out var value) ? value
        : AccountSchemas.Options.TryGetField(name, out var field) ? field.Default : null;

    private static bool Flag(AccountSnapshot account, string name) => Option(account, name) is { } value && value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.Number => value.GetRawText() != "0",
        _ => false,
    };
}
