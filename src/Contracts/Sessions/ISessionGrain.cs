using Orleans.Concurrency;

namespace Scheduling.Contracts.Sessions;

/// <summary>
/// One API session, keyed by the SHA-256 (hex) of its token: the token itself is never stored. Sessions
/// slide: each use within the idle timeout extends them. State lives in grain storage, so a session works
/// on every silo and, on PostgreSQL, survives restarts.
/// </summary>
public interface ISessionGrain : IGrainWithStringKey
{
    Task StartAsync(SessionStart start);

    /// <summary>The session if it is valid now (and slides its expiry); null when unknown, expired or revoked.</summary>
    Task<SessionInfo?> ValidateAsync();

    Task RevokeAsync();
}

[Immutable]
public sealed record SessionStart(long CompanyId, long UserId, TimeSpan IdleTimeout);

[Immutable]
public sealed record SessionInfo(long CompanyId, long UserId, DateTimeOffset ExpiresAt);
