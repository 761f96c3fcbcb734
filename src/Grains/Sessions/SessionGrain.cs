using Scheduling.Contracts.Sessions;

namespace Scheduling.Grains.Sessions;

public sealed class SessionState
{
    public long CompanyId { get; set; }

    public long UserId { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    public TimeSpan IdleTimeout { get; set; }

    public bool Revoked { get; set; }
}

/// <summary>
/// One session. A use extends it; the extension is written at most once a minute, so a busy client
/// costs a state write per minute, not per request.
/// </summary>
public sealed class SessionGrain([PersistentState("session")] IPersistentState<SessionState> session, TimeProvider time) : Grain, ISessionGrain
{
    private static readonly TimeSpan WriteGranularity = TimeSpan.FromMinutes(1);

    public async Task StartAsync(SessionStart start)
    {
        if (session.RecordExists)
        {
            throw new InvalidOperationException("A session with this token already exists.");
        }

        session.State = new SessionState
        {
            CompanyId = start.CompanyId,
            UserId = start.UserId,
            IdleTimeout = start.IdleTimeout,
            LastSeenAt = time.GetUtcNow(),
        };
        await session.WriteStateAsync();
    }

    public async Task<SessionInfo?> ValidateAsync()
    {
        var state = session.State;
        var now = time.GetUtcNow();
        if (!session.RecordExists || state.Revoked || now - state.LastSeenAt > state.IdleTimeout)
        {
            return null;
        }

        if (now - state.LastSeenAt >= WriteGranularity)
        {
            state.LastSeenAt = now;
            await session.WriteStateAsync();
        }

        return new SessionInfo(state.CompanyId, state.UserId, state.LastSeenAt + state.IdleTimeout);
    }

    public async Task RevokeAsync()
    {
        if (session.RecordExists && !session.State.Revoked)
        {
            session.State.Revoked = true;
            await session.WriteStateAsync();
        }
    }
}
