using System.Diagnostics;
using System.Text.Json;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;

namespace Scheduling.ApiHost.Api;

/// <summary>
/// The one place that maps failures to statusCode + HTTP status: API errors as they say, malformed
/// requests to 400 / INVALID_PARAMETERS, everything else to 500 / INTERNAL_ERROR (logged, with the
/// trace id for the operator, never the exception text for the client).
/// </summary>
internal sealed class ApiErrorHandling(RequestDelegate next, ILogger<ApiErrorHandling> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            if (context.Response is { StatusCode: StatusCodes.Status405MethodNotAllowed, HasStarted: false } && context.Response.ContentLength is null or 0)
            {
                await ApiEnvelope.WriteErrorAsync(context, ApiStatus.InvalidParameters,
                    $"method {context.Request.Method} is not allowed on {context.Request.Path}", StatusCodes.Status405MethodNotAllowed);
            }
        }
        catch (RateLimitedException limited) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(limited.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ApiEnvelope.WriteErrorAsync(context, ApiStatus.NotAllowed, limited.Message, StatusCodes.Status429TooManyRequests);
        }
        catch (Exception ex) when (!context.Response.HasStarted && ClusterOutage.Matches(ex))
        {
            // A silo died or is being declared dead: its grains come back on the survivors within seconds.
            logger.LogWarning("Request {Method} {Path} met a cluster outage: {Error}", context.Request.Method, context.Request.Path, ex.Message);
            context.Response.Clear();
            context.Response.Headers.RetryAfter = ClusterOutage.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ApiEnvelope.WriteErrorAsync(context, ApiStatus.ErrorSavingEntity,
                $"the cluster is recovering from a silo failure; retry after {ClusterOutage.RetryAfterSeconds} seconds", StatusCodes.Status503ServiceUnavailable);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            var (status, description, httpStatus) = Map(ex, context);
            context.Response.Clear();
            await ApiEnvelope.WriteErrorAsync(context, status, description, httpStatus);
        }
    }

    private (ApiStatus Status, string Description, int? HttpStatus) Map(Exception exception, HttpContext context)
    {
        switch (exception)
        {
            case ApiException api:
                return (api.Status, api.Message, null);
            case FieldValidationException field:
                return (ApiStatus.InvalidParameters, field.Message, null);
            case NotFoundException notFound:
                return (ApiStatus.NotFound, notFound.Message, null);
            case SaveConflictException conflict:
                return (ApiStatus.ErrorSavingEntity, conflict.Message, null);
            case DeleteRefusedException refused:
                return (ApiStatus.ErrorDeleting, refused.Message, null);
            case NotPermittedException notPermitted:
                return (ApiStatus.NotAllowed, notPermitted.Message, null);
            case LimitReachedException limit:
                return (ApiStatus.AccountsLimitReached, limit.Message, null);
            case SlotNotAvailableException notAvailable:
                return (ApiStatus.SlotNotAvailable, notAvailable.Message, null);
            case SlotOccupiedException occupied:
                return (ApiStatus.SlotOccupied, occupied.Message, null);
            case Orleans.Storage.InconsistentStateException:
                return (ApiStatus.ErrorSavingEntity, "the record changed while saving; try again", null);
            case BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }:
                return (ApiStatus.InvalidParameters, "body: larger than the 1 MiB limit", StatusCodes.Status413PayloadTooLarge);
            case BadHttpRequestException bad:
                return (ApiStatus.InvalidParameters, $"request: {bad.Message}", null);
            case JsonException json:
                return (ApiStatus.InvalidParameters, $"body: is not valid JSON ({json.Message.Split('.')[0]})", null);
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return (ApiStatus.InternalError, "request aborted", StatusCodes.Status499ClientClosedRequest);
            default:
                var traceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
                logger.LogError(exception, "Unhandled error in {Method} {Path} (trace {TraceId})", context.Request.Method, context.Request.Path, traceId);
                return (ApiStatus.InternalError, $"internal error (trace {traceId})", null);
        }
    }
}

/// <summary>
/// Failures that mean a silo is gone or unreachable, not that the request was wrong: answered 503 with Retry-After (and
/// the wait in the envelope's description), never 500. A call to a dead silo fails within Orleans' response timeout.
/// </summary>
internal static class ClusterOutage
{
    /// <summary>
    /// Enough for membership to declare a killed silo dead and its grains to come back on the survivors (1.5-3.6 s
    /// measured; see MembershipTuning).
    /// </summary>
    public const int RetryAfterSeconds = 5;

    public static bool Matches(Exception exception) => exception is
        Orleans.Runtime.OrleansMessageRejectionException
        or Orleans.Runtime.Messaging.ConnectionFailedException
        or Orleans.Runtime.GatewayTooBusyException
        or Orleans.Runtime.ClientNotAvailableException
        or Orleans.Networking.Shared.SocketConnectionException
        or TimeoutException;
}
