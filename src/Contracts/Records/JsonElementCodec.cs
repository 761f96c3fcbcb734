using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Orleans;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Cloning;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.WireProtocol;

namespace Scheduling.Contracts.Records;

/// <summary>
/// Orleans codec of a <see cref="JsonElement"/> (schema values, <c>ImmutableDictionary&lt;string, JsonElement&gt;</c>), which
/// Orleans has none for: the element travels as its JSON text, UTF-8, length-prefixed. Writing copies the element's bytes
/// straight from its document; reading parses them into an element of its own. An undefined element (default) travels
/// as no bytes, which no JSON text is.
/// </summary>
[RegisterSerializer]
public sealed class JsonElementCodec : IFieldCodec<JsonElement>
{
    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, JsonElement value)
        where TBufferWriter : IBufferWriter<byte>
    {
        // A value, never a reference: keeps the reference numbering of the rest of the message in step on both sides.
        ReferenceCodec.MarkValueField(writer.Session);
        writer.WriteFieldHeader(fieldIdDelta, expectedType, typeof(JsonElement), WireType.LengthPrefixed);
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            writer.WriteVarUInt32(0);
            return;
        }

        var json = JsonMarshal.GetRawUtf8Value(value);
        writer.WriteVarUInt32((uint)json.Length);
        writer.Write(json);
    }

    public JsonElement ReadValue<TInput>(ref Reader<TInput> reader, Field field)
    {
        ReferenceCodec.MarkValueField(reader.Session);
        field.EnsureWireType(WireType.LengthPrefixed);
        var length = reader.ReadVarUInt32();
        if (length == 0)
        {
            return default;
        }

        if (length > int.MaxValue)
        {
            throw new InvalidDataException($"a JSON value of {length} bytes is longer than any this server writes");
        }

        return reader.TryReadBytes((int)length, out var json)
            ? JsonElement.Parse(json)
            : JsonElement.Parse(reader.ReadBytes(length));
    }
}

/// <summary>
/// A <see cref="JsonElement"/> is immutable (a read-only view of a document nobody changes): copies between grains share it,
/// so a dictionary of elements is not copied either.
/// </summary>
[RegisterCopier]
public sealed class JsonElementCopier : ShallowCopier<JsonElement>;
