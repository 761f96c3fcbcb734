using System.Globalization;
using System.Text.Json;

namespace Scheduling.ApiHost.Api;

/// <summary>
/// The one request binder (SPEC §1): a request's fields from the query string, a JSON body (bare or
/// wrapped in <c>{"data": ...}</c>) or a form body whose <c>data</c> field holds JSON, merged (body wins),
/// read with lenient scalars. Every accessor names the field in its error.
/// </summary>
public sealed class ApiRequest
{
    // Query and form values stay strings (most requests only read a few scalars); JSON body values are
    // elements. Both kinds are read by the same accessors.
    private readonly Dictionary<string, object> _values;
    private Dictionary<string, JsonElement>? _fields;

    private ApiRequest(Dictionary<string, object> values, JsonElement? items)
    {
        _values = values;
        Items = items;
    }

    /// <summary>A JSON array body (bare or as "data"), for bulk endpoints.</summary>
    public JsonElement? Items { get; }

    /// <summary>Every field of the request as JSON, query and body merged (names compare case-insensitively); for schema binding.</summary>
    public IReadOnlyDictionary<string, JsonElement> Fields =>
        _fields ??= _values.ToDictionary(p => p.Key, p => p.Value is string text ? Text(text) : (JsonElement)p.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary>Minimal-API binding: a handler parameter of this type receives the request's fields, read once per request.</summary>
    public static async ValueTask<ApiRequest?> BindAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(typeof(ApiRequest), out var cached) && cached is ApiRequest request)
        {
            return request;
        }

        request = await ReadAsync(context);
        context.Items[typeof(ApiRequest)] = request;
        return request;
    }

    public static async ValueTask<ApiRequest> ReadAsync(HttpContext context)
    {
        var fields = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in context.Request.Query)
        {
            fields[key] = value.ToString();
        }

        JsonElement? items = null;
        var request = context.Request;
        if (request.ContentLength > ApiHostSetup.MaxBodyBytes)
        {
            throw TooLarge();
        }

        if (request.HasFormContentType)
        {
            var form = await ReadFormAsync(request);
            foreach (var (key, value) in form)
            {
                if (string.Equals(key, "data", StringComparison.OrdinalIgnoreCase))
                {
                    items = MergeJson(fields, ParseJson(value.ToString(), "data")) ?? items;
                }
                else
                {
                    fields[key] = value.ToString();
                }
            }
        }
        else if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var body = await ReadBodyAsync(request, context.RequestAborted);
            var json = body.GetBuffer().AsMemory(0, (int)body.Length);
            if (json.Span.StartsWith("\uFEFF"u8))
            {
                json = json[3..];
            }

            // JsonDocument checks the text's UTF-8 only when a string is read out of it, so it is checked here.
            if (!System.Text.Unicode.Utf8.IsValid(json.Span))
            {
                throw ApiException.InvalidField("body", "is not valid UTF-8");
            }

            if (!json.Span.TrimStart(" \t\r\n"u8).IsEmpty)
            {
                items = MergeJson(fields, ParseJson(json, "body"));
            }
        }

        return new ApiRequest(fields, items);
    }

    /// <summary>A request made of the given fields only (the public routes pass on a whitelist of what a visitor sent).</summary>
    public static ApiRequest FromFields(IEnumerable<KeyValuePair<string, JsonElement>> fields) =>
        new(fields.ToDictionary(p => p.Key, p => (object)p.Value, StringComparer.OrdinalIgnoreCase), items: null);

    public bool Has(string name) => _values.TryGetValue(name, out var value) && (value is string || ((JsonElement)value).ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined));

    public JsonElement? GetElement(string name) => _values.TryGetValue(name, out var value)
        ? value is string text ? Text(text) : ((JsonElement)value).ValueKind != JsonValueKind.Null ? (JsonElement)value : null
        : null;

    // A query or form value (text), or a JSON body value (element); null text and element mean "absent".
    private bool TryGet(string name, out string? text, out JsonElement element)
    {
        text = null;
        element = default;
        if (!_values.TryGetValue(name, out var value))
        {
            return false;
        }

        if (value is string s)
        {
            text = s;
            return true;
        }

        element = (JsonElement)value;
        return element.ValueKind != JsonValueKind.Null;
    }

    /// <summary>A string field; numbers and booleans are given as their text. Longer than <paramref name="maxLength"/> is refused.</summary>
    public string? GetString(string name, int maxLength = 4096)
    {
        if (!TryGet(name, out var raw, out var value))
        {
            return null;
        }

        var text = raw ?? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => throw ApiException.InvalidField(name, "must be a string"),
        };
        return text.Length > maxLength ? throw ApiException.InvalidField(name, $"longer than {maxLength} characters") : text;
    }

    public string RequireString(string name, int maxLength = 4096) =>
        GetString(name, maxLength) is { Length: > 0 } text ? text : throw ApiException.InvalidField(name, "is required");

    /// <summary>An integer given as a JSON number or as text ("3123").</summary>
    public long? GetLong(string name)
    {
        if (!TryGet(name, out var raw, out var value))
        {
            return null;
        }

        if (raw is null && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number))
        {
            return number;
        }

        if (raw is not null || value.ValueKind == JsonValueKind.String)
        {
            var text = (raw ?? value.GetString()!).Trim();
            if (text.Length == 0)
            {
                return null;
            }

            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
            {
                return number;
            }
        }

        throw ApiException.InvalidField(name, "must be an integer");
    }

    public int? GetInt(string name) => GetLong(name) switch
    {
        null => null,
        var n when n is >= int.MinValue and <= int.MaxValue => (int)n.Value,
        _ => throw ApiException.InvalidField(name, "is out of range"),
    };

    /// <summary>An id: 0 means "not given" (SPEC §1); negative ids are refused.</summary>
    public long? GetId(string name) => GetLong(name) switch
    {
        null or 0 => null,
        < 0 => throw ApiException.InvalidField(name, "must be a positive id"),
        var id => id,
    };

    public long RequireId(string name) => GetId(name) ?? throw ApiException.InvalidField(name, "is required");

    /// <summary>
    /// An id taken from the path (<c>/customfield/{id}</c>). Routes bind it as text so that a malformed id is
    /// a 400 naming the field rather than an unmatched route (404).
    /// </summary>
    public static long PathId(string text, string name = "id") =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw ApiException.InvalidField(name, "must be a positive integer id");

    /// <summary>A boolean given as true/false, 0/1, "0"/"1" or "true"/"false".</summary>
    public bool? GetBool(string name)
    {
        if (!TryGet(name, out var raw, out var value))
        {
            return null;
        }

        if (raw is not null)
        {
            return ParseBool(name, raw);
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number when value.TryGetInt64(out var n) && n is 0 or 1:
                return n == 1;
            case JsonValueKind.String:
                return ParseBool(name, value.GetString()!);
        }

        throw ApiException.InvalidField(name, "must be 0 or 1 (or true/false)");
    }

    // Kestrel enforces the limit too; reading bounded here keeps it one rule on every server (and in tests).
    // The body's bytes (parsed as they are: no string in between).
    private static async Task<MemoryStream> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // A pooled chunk: a fresh 16 KiB array per request was zeroed and collected for every small JSON body.
        var buffer = new MemoryStream(request.ContentLength is > 0 and var length ? (int)length : 0);
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > ApiHostSetup.MaxBodyBytes)
                {
                    throw TooLarge();
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer;
    }

    private static ApiException TooLarge() => ApiException.InvalidField("body", "larger than the 1 MiB limit");

    /// <summary>
    /// The page of a list (SPEC §1): rows [start, end), default 0..100; end=0 or end=all means no page limit,
    /// still capped at <paramref name="maxRows"/> (configuration, default 10,000).
    /// </summary>
    public ListPage GetPage(int maxRows = ListPage.DefaultMaxRows)
    {
        var start = GetInt("start") ?? 0;
        if (start < 0)
        {
            throw ApiException.InvalidField("start", "must be 0 or more");
        }

        int end;
        if (GetString("end", 16) is { } text && text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            end = 0;
        }
        else
        {
            end = GetInt("end") ?? start + ListPage.DefaultRows;
        }

        if (end == 0)
        {
            return new ListPage(start, maxRows);
        }

        return end < start
            ? throw ApiException.InvalidField("end", "must not be before start")
            : new ListPage(start, Math.Min(end - start, maxRows));
    }

    private static bool? ParseBool(string name, string text) => text.Trim().ToLowerInvariant() switch
    {
        "1" or "true" => true,
        "0" or "false" => false,
        "" => null,
        _ => throw ApiException.InvalidField(name, "must be 0 or 1 (or true/false)"),
    };

    private static JsonElement Text(string value) => JsonSerializer.SerializeToElement(value);

    private static JsonElement ParseJson(string text, string field) => ParseJson(System.Text.Encoding.UTF8.GetBytes(text), field);

    private static JsonElement ParseJson(ReadOnlyMemory<byte> utf8, string field)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = 64 });
            EnsureTextIsUnicode(utf8.Span, field);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw ApiException.InvalidField(field, $"is not valid JSON ({ex.Message.Split('.')[0]})");
        }
    }

    // JSON lets an escape name half of a UTF-16 surrogate pair ("\ud800"); such a string or key cannot be read as text
    // (JsonElement.GetString throws), so the request is refused here, naming the key it is in or under. Only escaped
    // strings can hold one: the raw bytes were checked to be UTF-8.
    private static void EnsureTextIsUnicode(ReadOnlySpan<byte> utf8, string field)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 64 });
        ReadOnlySpan<byte> key = default;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && !reader.ValueIsEscaped)
            {
                key = reader.ValueSpan;
            }

            if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.String) || !reader.ValueIsEscaped)
            {
                continue;
            }

            try
            {
                reader.GetString();
            }
            catch (InvalidOperationException)
            {
                var name = reader.TokenType == JsonTokenType.String && !key.IsEmpty ? System.Text.Encoding.UTF8.GetString(key) : field;
                throw ApiException.InvalidField(name, "contains an unpaired UTF-16 surrogate (\\ud800-\\udfff), which is not text");
            }

            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                key = default;
            }
        }
    }

    // Merges an object's properties into the fields (unwrapping "data"); returns an array body, if any.
    private static JsonElement? MergeJson(Dictionary<string, object> fields, JsonElement root)
    {
        switch (root.ValueKind)
        {
            case JsonValueKind.Array:
                return root;
            case JsonValueKind.Object:
                JsonElement? items = null;
                foreach (var property in root.EnumerateObject())
                {
                    if (string.Equals(property.Name, "data", StringComparison.OrdinalIgnoreCase)
                        && property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        items = MergeJson(fields, property.Value) ?? items;
                    }
                    else
                    {
                        fields[property.Name] = property.Value;
                    }
                }

                return items;
            default:
                throw ApiException.InvalidField("body", "must be a JSON object or array");
        }
    }

    private static async Task<IFormCollection> ReadFormAsync(HttpRequest request)
    {
        try
        {
            return await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (InvalidDataException ex)
        {
            throw ApiException.InvalidField("form", ex.Message);
        }
        catch (IOException ex) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // A multipart body that ends before its closing boundary ("Unexpected end of Stream").
            throw ApiException.InvalidField("form", $"the body ended before the form did ({ex.Message.TrimEnd('.')})");
        }
    }
}
