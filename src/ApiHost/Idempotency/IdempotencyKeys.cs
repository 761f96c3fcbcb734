using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Idempotency;

namespace Scheduling.ApiHost.Idempotency;

/// <summary>
/// The <c>Idempotency-Key</c> header (SPEC §8), for any POST that declares <see cref="WithIdempotency{TBuilder}"/>:
/// the same key with the same request (method, path and fields; the session token aside) within 24 hours replays the
/// first response; with another request it is 422 / 1; while the first is still running, 409 / 5. Keys are per company.
/// Only successful responses are kept: a request that failed leaves nothing behind, so it may be retried with its key.
/// </summary>
public static class IdempotencyKeys
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeaderName = "Idempotent-Replayed";
    public const int MaxKeyLength = 255;

    // Longer than any request may run (grain calls time out after 30 s): a claim whose silo died frees itself after it.
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public static TBuilder WithIdempotency<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(InvokeAsync);

    private static async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[HeaderName].ToString().Trim();
        if (key.Length == 0)
        {
            return await next(context);
        }

        if (key.Length > MaxKeyLength)
        {
            throw ApiException.InvalidField(HeaderName, $"longer than {MaxKeyLength} characters");
        }

        var request = (await ApiRequest.BindAsync(http))!;
        var companyId = context.Arguments.OfType<ApiCall>().FirstOrDefault()?.CompanyId
            ?? context.Arguments.OfType<Widget.VisitorCall>().FirstOrDefault()?.CompanyId ?? 0;
        var fingerprint = Fingerprint(http.Request.Method, http.Request.Path, request);
        var grain = http.RequestServices.GetRequiredService<IGrainFactory>()
            .GetGrain<IIdempotencyGrain>(FormattableString.Invariant($"{companyId}/{key}"));
        var claim = await grain.ClaimAsync(fingerprint, Lease);
        switch (claim.Outcome)
        {
            case IdempotencyOutcome.Replay:
                return new ReplayResult(claim.Response!);
            case IdempotencyOutcome.InFlight:
                return ApiEnvelope.Error(ApiStatus.ErrorSavingEntity, $"{HeaderName}: a request with this key is still in progress; retry later");
            case IdempotencyOutcome.Mismatch:
                return ApiEnvelope.Error(ApiStatus.InvalidParameters,
                    $"{HeaderName}: this key was used for a different request in the last 24 hours", StatusCodes.Status422UnprocessableEntity);
        }

        try
        {
            var result = await next(context);
            if (result is not IResult response)
            {
                await grain.ReleaseAsync(fingerprint);
                return result;
            }

            // Runs the result into a buffer, so the response can be both kept and sent.
            var original = http.Response.Body;
            using var buffer = new MemoryStream();
            http.Response.Body = buffer;
            try
            {
                await response.ExecuteAsync(http);
            }
            finally
            {
                http.Response.Body = original;
            }

            var body = buffer.ToArray();
            if (http.Response.StatusCode is >= 200 and < 300)
            {
                await grain.CompleteAsync(fingerprint, new IdempotentResponse(http.Response.StatusCode, http.Response.ContentType ?? "application/json", Encoding.UTF8.GetString(body)));
            }
            else
            {
                await grain.ReleaseAsync(fingerprint);
            }

            await original.WriteAsync(body, http.RequestAborted);
            return Results.Empty;
        }
        catch
        {
            await grain.ReleaseAsync(fingerprint);
            throw;
        }
    }

    // The request's identity: method, path and every field (names ignoring case, in order), the session token aside.
    private static string Fingerprint(string method, PathString path, ApiRequest request)
    {
        var text = new StringBuilder();
        text.Append(method.ToUpperInvariant()).Append(' ').Append(path.Value?.TrimEnd('/').ToLowerInvariant()).Append('\n');
        foreach (var (name, value) in request.Fields
            .Where(f => !string.Equals(f.Key, "session_token", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f.Key.ToLowerInvariant(), StringComparer.Ordinal))
        {
            text.Append(name.ToLowerInvariant()).Append('=').Append(value.GetRawText()).Append('\n');
        }

        if (request.Items is { } items)
        {
            text.Append(items.GetRawText());
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private sealed class ReplayResult(IdempotentResponse response) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = response.StatusCode;
            httpContext.Response.ContentType = response.ContentType;
            httpContext.Response.Headers[ReplayedHeaderName] = "true";
            await httpContext.Response.WriteAsync(response.Body, httpContext.RequestAborted);
        }
    }
}
