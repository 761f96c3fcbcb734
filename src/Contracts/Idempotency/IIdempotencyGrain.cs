using Orleans;

namespace Scheduling.Contracts.Idempotency;

/// <summary>
/// One <c>Idempotency-Key</c> of one company (SPEC §8), keyed "{company id}/{key}": the first request with the key
/// claims it; a repeat with the same fingerprint gets the stored response (within 24 h) or, while the first is still
/// running, "in flight"; a repeat with another fingerprint is refused. A claim whose request failed is released, so
/// the client may try again with the same key.
/// </summary>
public interface IIdempotencyGrain : IGrainWithStringKey
{
    /// <summary>Claims the key for a request (its method, path and fields as <paramref name="fingerprint"/>), for at most <paramref name="lease"/>.</summary>
    Task<IdempotencyClaim> ClaimAsync(string fingerprint, TimeSpan lease);

    /// <summary>Stores the claimed request's response, replayed to repeats for 24 hours.</summary>
    Task CompleteAsync(string fingerprint, IdempotentResponse response);

    /// <summary>Gives up a claim whose request failed.</summary>
    Task ReleaseAsync(string fingerprint);
}

[GenerateSerializer]
[Alias("scheduling.idempotency-outcome")]
public enum IdempotencyOutcome
{
    /// <summary>The key is claimed for this request: run it.</summary>
    Proceed,

    /// <summary>The same request already ran: answer <see cref="IdempotencyClaim.Response"/>.</summary>
    Replay,

    /// <summary>The same request is still running (409 / 5).</summary>
    InFlight,

    /// <summary>The key was used for a different request (422 / 1).</summary>
    Mismatch,
}

[GenerateSerializer]
[Alias("scheduling.idempotency-claim")]
[Immutable]
public sealed record IdempotencyClaim([Id(0)] IdempotencyOutcome Outcome, [Id(1)] IdempotentResponse? Response);

/// <summary>A stored response: HTTP status, content type and body text.</summary>
[GenerateSerializer]
[Alias("scheduling.idempotent-response")]
[Immutable]
public sealed record IdempotentResponse([Id(0)] int StatusCode, [Id(1)] string ContentType, [Id(2)] string Body);
