using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Telemetry;

/// <summary>
/// An OTLP/HTTP receiver (Kestrel on 127.0.0.1, a free port) that keeps every export request it gets, decoded
/// by <see cref="Protobuf"/> (written here from the OTLP .proto field numbers, independent of the SDK).
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiver(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    /// <summary>Content types the exports came with, by path.</summary>
    public ConcurrentQueue<(string Path, string? ContentType)> Requests { get; } = new();

    public ConcurrentQueue<OtlpSpan> Spans { get; } = new();

    public ConcurrentQueue<string> MetricNames { get; } = new();

    /// <summary>Exports this receiver could not decode (a test asserts there are none).</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    public static async Task<OtlpReceiver> StartAsync()
    {
        OtlpReceiver? receiver = null;
        var (app, address) = await LoopbackServer.StartAsync(a => a.MapPost("/v1/{signal}", async (string signal, HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver!.Requests.Enqueue(("/v1/" + signal, context.Request.ContentType));
            try
            {
                if (signal == "traces")
                {
                    receiver.ReadTraces(body.ToArray());
                }
                else if (signal == "metrics")
                {
                    receiver.ReadMetrics(body.ToArray());
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or ArgumentException or IndexOutOfRangeException)
            {
                receiver.Problems.Enqueue($"{signal}: {ex.Message}");
                return Results.StatusCode(StatusCodes.Status400BadRequest);
            }

            // An empty Export*ServiceResponse: everything accepted.
            return Results.Bytes([], "application/x-protobuf");
        }));
        receiver = new OtlpReceiver(app, address.ToString().TrimEnd('/'));
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    // ExportTraceServiceRequest.resource_spans(1) > ResourceSpans.scope_spans(2) > ScopeSpans.spans(2) > Span.
    private void ReadTraces(byte[] request)
    {
        foreach (var resourceSpans in Protobuf.Messages(request, 1))
        {
            foreach (var scopeSpans in Protobuf.Messages(resourceSpans, 2))
            {
                foreach (var span in Protobuf.Messages(scopeSpans, 2))
                {
                    var fields = Protobuf.Read(span);
                    var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                    foreach (var keyValue in fields.Where(f => f.Number == 9).Select(f => Protobuf.Read(f.Bytes)))
                    {
                        var key = Encoding.UTF8.GetString(keyValue.Single(f => f.Number == 1).Bytes.Span);
                        var value = keyValue.Find(f => f.Number == 2)?.Bytes ?? ReadOnlyMemory<byte>.Empty;
                        var any = Protobuf.Read(value);
                        attributes[key] = any.FirstOrDefault() is { Number: 1 } text
                            ? Encoding.UTF8.GetString(text.Bytes.Span)
                            : any.FirstOrDefault() is { Number: 3 } integer ? integer.Varint.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
                    }

                    Spans.Enqueue(new OtlpSpan(
                        Convert.ToHexStringLower(fields.Single(f => f.Number == 1).Bytes.Span),
                        Convert.ToHexStringLower(fields.Single(f => f.Number == 2).Bytes.Span),
                        fields.FirstOrDefault(f => f.Number == 4) is { Bytes.Length: > 0 } parent ? Convert.ToHexStringLower(parent.Bytes.Span) : null,
                        Encoding.UTF8.GetString(fields.Single(f => f.Number == 5).Bytes.Span),
                        (int)(fields.Find(f => f.Number == 6)?.Varint ?? 0),
                        attributes));
                }
            }
        }
    }

    // ExportMetricsServiceRequest.resource_metrics(1) > ResourceMetrics.scope_metrics(2) > ScopeMetrics.metrics(2) > Metric.name(1).
    private void ReadMetrics(byte[] request)
    {
        foreach (var metric in Protobuf.Messages(request, 1).SelectMany(r => Protobuf.Messages(r, 2)).SelectMany(s => Protobuf.Messages(s, 2)))
        {
            MetricNames.Enqueue(Encoding.UTF8.GetString(Protobuf.Read(metric).Single(f => f.Number == 1).Bytes.Span));
        }
    }
}

/// <summary>A received span. <see cref="Kind"/> as OTLP numbers it: 1 internal, 2 server, 3 client.</summary>
public sealed record OtlpSpan(string TraceId, string SpanId, string? ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes);

/// <summary>Just enough of the protobuf wire format to walk OTLP messages: varints, fixed widths, length-delimited fields.</summary>
public static class Protobuf
{
    public sealed record Field(int Number, ulong Varint, ReadOnlyMemory<byte> Bytes);

    public static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int number) =>
        Read(message).Where(f => f.Number == number).Select(f => f.Bytes);

    public static List<Field> Read(ReadOnlyMemory<byte> message)
    {
        var fields = new List<Field>();
        var position = 0;
        var span = message.Span;
        while (position < span.Length)
        {
            var key = ReadVarint(span, ref position);
            var number = (int)(key >> 3);
            switch ((int)(key & 7))
            {
                case 0:
                    fields.Add(new Field(number, ReadVarint(span, ref position), default));
                    break;
                case 1:
                    fields.Add(new Field(number, BitConverter.ToUInt64(span.Slice(position, 8)), message.Slice(position, 8)));
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(span, ref position);
                    fields.Add(new Field(number, 0, message.Slice(position, length)));
                    position += length;
                    break;
                case 5:
                    fields.Add(new Field(number, BitConverter.ToUInt32(span.Slice(position, 4)), message.Slice(position, 4)));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"wire type {key & 7} of field {number} is not protobuf");
            }
        }

        return fields;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }
}
