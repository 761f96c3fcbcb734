using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scheduling.ApiHost.Api;

/// <summary>
/// The one envelope writer: every response, success or error, is
/// <c>{"statusCode", "statusDescriptions", "data"}</c>; errors also carry <c>statusDescription</c>
/// because existing client code reads that spelling.
/// </summary>
public static class ApiEnvelope
{
    /// <summary>Setster field names are snake_case; values that need other names say so with [JsonPropertyName].</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // Responses are application/json, never inlined into HTML: "+" and accented names stay readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IResult Ok(object? data, int httpStatus = StatusCodes.Status200OK) =>
        new EnvelopeResult(httpStatus, new SuccessBody(0, "OK", data));

    /// <summary>A success whose description says more than "OK" (the reference's "Password changed", "nick_name already exists").</summary>
    public static IResult Ok(object? data, string description) =>
        new EnvelopeResult(StatusCodes.Status200OK, new SuccessBody(0, description, data));

    public static IResult Error(ApiStatus status, string description, int? httpStatus = null) =>
        new EnvelopeResult(httpStatus ?? status.HttpStatus(), new ErrorBody((int)status, description, description, null));

    public static Task WriteErrorAsync(HttpContext context, ApiStatus status, string description, int? httpStatus = null) =>
        Error(status, description, httpStatus).ExecuteAsync(context);

    private sealed record SuccessBody(
        [property: JsonPropertyName("statusCode")] int StatusCode,
        [property: JsonPropertyName("statusDescriptions")] string StatusDescriptions,
        [property: JsonPropertyName("data")] object? Data);

    private sealed record ErrorBody(
        [property: JsonPropertyName("statusCode")] int StatusCode,
        [property: JsonPropertyName("statusDescriptions")] string StatusDescriptions,
        [property: JsonPropertyName("statusDescription")] string StatusDescription,
        [property: JsonPropertyName("data")] object? Data);

    private sealed class EnvelopeResult(int httpStatus, object body) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => httpStatus;

        // Serialized whole, then written at once: the response carries a Content-Length instead of chunked framing, and
        // a body that cannot be serialized fails before anything is sent.
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json);
            var response = httpContext.Response;
            response.StatusCode = httpStatus;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = bytes.Length;
            return response.Body.WriteAsync(bytes, httpContext.RequestAborted).AsTask();
        }
    }
}
