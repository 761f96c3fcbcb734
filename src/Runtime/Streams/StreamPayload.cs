using System.Collections.Concurrent;
using System.Text.Json;
using Scheduling.Runtime.Storage;

namespace Scheduling.Runtime.Streams;

/// <summary>Turns stream items into outbox messages and back; the payload type is stored by name so any silo can read it.</summary>
internal static class StreamPayload
{
    private static readonly ConcurrentDictionary<string, Type?> s_types = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<Type, string> s_names = new();
    private static readonly ConcurrentDictionary<Type, bool> s_immutable = new();

    public static OutboxMessage CreateMessage<T>(StreamId stream, T item, Guid eventId, DateTimeOffset createdAt, JsonSerializerOptions json)
        where T : notnull
    {
        var type = item.GetType();
        // A mutable item is serialized now, as it is at publishing; an immutable one (Orleans' [Immutable], the marker
        // Orleans also reads to skip copies) stays as it is until stored.
        return s_immutable.GetOrAdd(type, static t => t.IsDefined(typeof(Orleans.ImmutableAttribute), inherit: false))
            ? OutboxMessage.ForItem(eventId, stream.Namespace, stream.Key, TypeName(type), item, () => JsonSerializer.SerializeToUtf8Bytes(item, type, json), createdAt)
            : new OutboxMessage(eventId, stream.Namespace, stream.Key, TypeName(type), JsonSerializer.SerializeToUtf8Bytes(item, type, json), createdAt);
    }

    // Assembly.GetName builds a new AssemblyName (code base, culture, key) each time: remember the answer per type.
    public static string TypeName(Type type) => s_names.GetOrAdd(type, static t => $"{t.FullName}, {t.Assembly.GetName().Name}");

    public static object Read(OutboxMessage message, JsonSerializerOptions json)
    {
        if (message.Item is { } item)
        {
            return item;
        }

        var type = s_types.GetOrAdd(message.PayloadType, static name => Type.GetType(name, throwOnError: false))
            ?? throw new InvalidOperationException($"Stream payload type '{message.PayloadType}' is not known to this silo.");
        return JsonSerializer.Deserialize(message.Payload, type, json)
            ?? throw new InvalidOperationException($"Stream payload of event {message.EventId} is null.");
    }
}
