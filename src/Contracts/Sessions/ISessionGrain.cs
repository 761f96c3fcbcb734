using Orleans;

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

[GenerateSerializer]
[Alias("scheduling.session-start")]
[Immutable]
public sealed record SessionStart([Id(0)] long CompanyId, [Id(1)] long UserId, [Id(2)] TimeSpan IdleTimeout);

[GenerateSerializer]
[Alias("scheduling.session-info")]
[Immutable]
public sealed record SessionInfo([Id(0)] long CompanyId, [Id(1)] long UserId, [Id(2)] DateTimeOffset ExpiresAt);
