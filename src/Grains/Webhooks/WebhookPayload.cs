using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Scheduling.Contracts.Appointments;
using Scheduling.Grains.Appointments;

namespace Scheduling.Grains.Webhooks;

/// <summary>
/// The body of a webhook (SPEC §9): <c>{"id", "type", "created_at", "company_id", "version", "data"}</c>, <c>data</c> being the
/// appointment as GET /appointment/{id} shows it (<see cref="AppointmentView.EventData"/> plus the provider's e-mail), plus <c>previous</c> on a reschedule.
/// </summary>
public static class WebhookPayload
{
    // The API's spelling of JSON (relaxed escaping): a receiver sees the same text as a GET would show.
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        DictionaryKeyPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The body; <paramref name="providerEmail"/> is the employee's e-mail, which GET /appointment/{id} adds to the record.</summary>
    public static string Build(Guid eventId, AppointmentEvent appointmentEvent, string providerEmail)
    {
        ArgumentNullException.ThrowIfNull(appointmentEvent);
        var extra = new Dictionary<string, object?> { [AppointmentField.ProviderEmail] = providerEmail };
        foreach (var (name, value) in AppointmentView.EventData(appointmentEvent).Where(p => p.Key == "previous"))
        {
            extra[name] = value;
        }

        var body = new Dictionary<string, object?>
        {
            ["id"] = EventId(eventId),
            ["type"] = appointmentEvent.Type,
            ["created_at"] = appointmentEvent.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["company_id"] = appointmentEvent.CompanyId,

            // The appointment's version after this change (issue #5): receivers keep the highest they saw, since
            // deliveries promise no order.
            ["version"] = appointmentEvent.Version,
            ["data"] = AppointmentView.Render(appointmentEvent.Appointment, extra: extra),
        };
        return JsonSerializer.Serialize(body, s_json);
    }

    /// <summary>The event id as the <c>webhook-id</c> header and the body's <c>id</c> write it.</summary>
    public static string EventId(Guid eventId) => "evt_" + eventId.ToString("N");
}
