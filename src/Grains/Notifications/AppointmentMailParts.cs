using System.Text;
using System.Text.Encodings.Web;

namespace Scheduling.Grains.Notifications;

/// <summary>
/// The pieces every appointment e-mail shares, in text and HTML: the appointment's facts and the client's
/// self-service links. Templates put a sentence or two around them.
/// </summary>
public static class AppointmentMailParts
{
    public static string Html(string text) => HtmlEncoder.Default.Encode(text);

    public static string FactsText(AppointmentDetails details)
    {
        var text = new StringBuilder();
        text.Append("When: ").AppendLine(details.When);
        text.Append("What: ").AppendLine(details.ServiceName);
        if (details.ProviderName.Length > 0)
        {
            text.Append("With: ").AppendLine(details.ProviderName);
        }

        if (details.LocationName.Length > 0 || details.LocationAddress.Length > 0)
        {
            text.Append("Where: ").AppendLine(Join(details.LocationName, details.LocationAddress));
        }

        text.Append("Appointment: #").Append(details.AppointmentId);
        return text.ToString();
    }

    public static string FactsHtml(AppointmentDetails details)
    {
        var html = new StringBuilder("<table>");
        Row(html, "When", details.When);
        Row(html, "What", details.ServiceName);
        if (details.ProviderName.Length > 0)
        {
            Row(html, "With", details.ProviderName);
        }

        if (details.LocationName.Length > 0 || details.LocationAddress.Length > 0)
        {
            Row(html, "Where", Join(details.LocationName, details.LocationAddress));
        }

        Row(html, "Appointment", $"#{details.AppointmentId}");
        return html.Append("</table>").ToString();
    }

    /// <summary>The cancel and reschedule links, as text lines.</summary>
    public static string ManageText(AppointmentDetails details) =>
        $"""
        Need to change it?
        Reschedule: {details.RescheduleUrl}
        Cancel: {details.CancelUrl}
        """;

    public static string ManageHtml(AppointmentDetails details) =>
        $"""<p>Need to change it? <a href="{Html(details.RescheduleUrl ?? string.Empty)}">Reschedule</a> or <a href="{Html(details.CancelUrl ?? string.Empty)}">cancel</a> your appointment.</p>""";

    public static string Greeting(AppointmentDetails details) =>
        details.ClientName.Length > 0 ? $"Hello {details.ClientName}," : "Hello,";

    private static string Join(string first, string second) =>
        first.Length == 0 ? second : second.Length == 0 ? first : $"{first}, {second}";

    private static void Row(StringBuilder html, string label, string value) =>
        html.Append("<tr><th align=\"left\">").Append(Html(label)).Append("</th><td>").Append(Html(value)).Append("</td></tr>");
}
