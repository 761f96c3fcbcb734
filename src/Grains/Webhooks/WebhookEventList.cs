using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Webhooks;

namespace Scheduling.Grains.Webhooks;

/// <summary>
/// Reads a subscription's <c>events</c> as clients send them: a JSON array of names and <c>{event, active}</c>
/// objects, or a comma-separated text ("appointment.created,appointment.canceled", what a query string or a
/// form can carry). Unknown names are refused naming <c>events</c>.
/// </summary>
public static class WebhookEventList
{
    public const string Field = "events";

    /// <summary>More entries than events exist means repeats; this bounds them.</summary>
    public const int MaxEntries = 20;

    /// <summary>The choices, canonical names, in the order first given; a repeated event takes its last switch.</summary>
    public static ImmutableArray<WebhookEventChoice> Parse(JsonElement events)
    {
        List<WebhookEventChoice> entries = events.ValueKind switch
        {
            JsonValueKind.Array => [.. events.EnumerateArray().Select(Entry)],
            JsonValueKind.String when events.GetString()!.TrimStart().StartsWith('[') => FromJsonText(events.GetString()!),
            JsonValueKind.String => events.GetString()!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(name => new WebhookEventChoice(Known(name), true)).ToList(),
            _ => throw Invalid("must be a list of event names or {\"event\", \"active\"} objects"),
        };
        if (entries.Count == 0)
        {
            throw Invalid($"at least one event is required: {string.Join(", ", WebhookEvents.Known)} or \"*\" for all");
        }

        if (entries.Count > MaxEntries)
        {
            throw Invalid($"more than {MaxEntries} entries");
        }

        var result = new List<WebhookEventChoice>(entries.Count);
        foreach (var entry in entries)
        {
            var index = result.FindIndex(e => e.Event == entry.Event);
            if (index >= 0)
            {
                result[index] = entry;
            }
            else
            {
                result.Add(entry);
            }
        }

        return [.. result];
    }

    private static List<WebhookEventChoice> FromJsonText(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return [.. document.RootElement.EnumerateArray().Select(Entry)];
        }
        catch (JsonException)
        {
            throw Invalid("is not valid JSON");
        }
    }

    private static WebhookEventChoice Entry(JsonElement item)
    {
        switch (item.ValueKind)
        {
            case JsonValueKind.String:
                return new WebhookEventChoice(Known(item.GetString()!), true);
            case JsonValueKind.Object:
                var name = item.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String
                    ? e.GetString()!
                    : throw Invalid("each {...} entry needs \"event\": an event name");
                var active = item.TryGetProperty("active", out var a) && a.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
                    ? ReadActive(a)
                    : true;
                return new WebhookEventChoice(Known(name), active);
            default:
                throw Invalid("each entry is an event name or an {\"event\", \"active\"} object");
        }
    }

    private static bool ReadActive(JsonElement value)
    {
        // The schema's own lenient flag reading (0/1, "0"/"1", true/false), named for this entry.
        var flag = RecordSchema.Normalize(new FieldSpec($"{Field}.active", FieldKind.Bool), value);
        return flag.GetBoolean();
    }

    private static string Known(string name) =>
        WebhookEvents.Canonical(name)
        ?? throw Invalid($"unknown event '{(name.Length > 64 ? name[..64] + "..." : name)}'; known: {string.Join(", ", WebhookEvents.Known)}, or \"*\" for all");

    private static FieldValidationException Invalid(string problem) => new(Field, problem);
}
