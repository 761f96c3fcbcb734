using System.Buffers;
using System.Collections;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans;

namespace Scheduling.Contracts.Records;

/// <summary>
/// Record values kept as one JSON object: a document (its object, bytes and index) and this wrapper, however many
/// values there are. A record that stays in memory for good (an appointment row of the embedded storage) keeps its
/// values this way; an <see cref="ImmutableDictionary{TKey, TValue}"/> keeps a tree node per value besides, which every
/// collection that promotes the record copies and every full collection traces. Lookups scan the object's properties
/// (ordinal names, as the schemas bind them); a record has a few dozen at most. Immutable: grains share it instead of
/// copying it, and Orleans sends it as its JSON object (<see cref="JsonElementCodec"/>).
/// </summary>
[JsonConverter(typeof(FieldMapConverter))]
[GenerateSerializer]
[Alias("scheduling.field-map")]
[Immutable]
public sealed class FieldMap : IReadOnlyDictionary<string, JsonElement>
{
    [Id(0)]
    private readonly JsonElement _object;

    private FieldMap(JsonElement json, int count)
    {
        _object = json;
        Count = count;
    }

    public static FieldMap Empty { get; } = new(default, 0);

    [Id(1)]
    public int Count { get; }

    public JsonElement this[string key] =>
        TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"no value '{key}'");

    public IEnumerable<string> Keys => this.Select(pair => pair.Key);

    public IEnumerable<JsonElement> Values => this.Select(pair => pair.Value);

    /// <summary>The same values, kept as one JSON object.</summary>
    public static FieldMap Of(IReadOnlyDictionary<string, JsonElement> values)
    {
        if (values is FieldMap map)
        {
            return map;
        }

        if (values.Count == 0)
        {
            return Empty;
        }

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in values)
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return new FieldMap(document.RootElement.Clone(), values.Count);
    }

    /// <summary>
    /// The values of a JSON object (null reads as no values). Its names must be distinct, as every writer of record values
    /// (this map, a dictionary's serializer, PostgreSQL's <c>jsonb</c>) leaves them.
    /// </summary>
    public static FieldMap Parse(ref Utf8JsonReader reader) => FromObject(JsonElement.ParseValue(ref reader));

    /// <summary>The values of a JSON object given as text (as <see cref="Parse(ref Utf8JsonReader)"/>).</summary>
    public static FieldMap Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromObject(document.RootElement.Clone());
    }

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonElement value)
    {
        if (Count > 0 && _object.TryGetProperty(key, out value))
        {
            return true;
        }

        value = default;
        return false;
    }

    public ImmutableDictionary<string, JsonElement> ToImmutable() =>
        ImmutableDictionary.CreateRange(StringComparer.Ordinal, this);

    /// <summary>Writes the values as a JSON object.</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        if (Count == 0)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return;
        }

        _object.WriteTo(writer);
    }

    /// <summary>The values as the text of a JSON object.</summary>
    public string ToJson() => Count == 0 ? "{}" : _object.GetRawText();

    public IEnumerator<KeyValuePair<string, JsonElement>> GetEnumerator()
    {
        if (Count == 0)
        {
            yield break;
        }

        foreach (var property in _object.EnumerateObject())
        {
            yield return new(property.Name, property.Value);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static FieldMap FromObject(JsonElement json) => json.ValueKind switch
    {
        JsonValueKind.Null => Empty,
        JsonValueKind.Object => new FieldMap(json, json.GetPropertyCount()),
        _ => throw new JsonException($"record values must be a JSON object, not {json.ValueKind}"),
    };
}

/// <summary>Reads and writes <see cref="FieldMap"/> as the JSON object it is.</summary>
public sealed class FieldMapConverter : JsonConverter<FieldMap>
{
    public override bool HandleNull => true;

    public override FieldMap Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        FieldMap.Parse(ref reader);

    public override void Write(Utf8JsonWriter writer, FieldMap value, JsonSerializerOptions options) => value.WriteTo(writer);
}
