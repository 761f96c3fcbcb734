using Orleans.Core;
using Scheduling.Contracts.Sessions;
using Scheduling.Grains.Snapshots;

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
/// A session as its grain publishes it to the silo's <see cref="LocalSnapshots"/>, and the one rule of what a use of it
/// answers: an API host on the session's silo validates it without a grain call unless the use must be recorded.
/// </summary>
public sealed record SessionView(long CompanyId, long UserId, DateTimeOffset LastSeenAt, TimeSpan IdleTimeout, bool Revoked)
{
    /// <summary>A use extends the session; the extension is written at most this often.</summary>
    public static readonly TimeSpan WriteGranularity = TimeSpan.FromMinutes(1);

    /// <summary>The session as a use at <paramref name="now"/> finds it: null when expired or revoked.</summary>
    public SessionInfo? At(DateTimeOffset now) =>
        Revoked || now - LastSeenAt > IdleTimeout ? null : new SessionInfo(CompanyId, UserId, LastSeenAt + IdleTimeout);

    /// <summary>Whether a use at <paramref name="now"/> is to be written (it extends a valid session that was last written long enough ago).</summary>
    public bool RecordsUse(DateTimeOffset now) => At(now) is not null && now - LastSeenAt >= WriteGranularity;

    /// <summary>
    /// What a use at <paramref name="now"/> answers without asking the grain: true with the session (or null when it is
    /// not valid), false when the use must go to the grain to be written.
    /// </summary>
    public static bool TryAnswer(SessionView? view, DateTimeOffset now, out SessionInfo? session)
    {
        session = view?.At(now);
        return view is null || !view.RecordsUse(now);
    }
}

/// <summary>
/// One session. A use extends it; the extension is written at most once a minute, so a busy client
/// costs a state write per minute, not per request. Its view is kept in the silo's <see cref="LocalSnapshots"/>.
/// </summary>
public sealed class SessionGrain([PersistentState("session")] IPersistentState<SessionState> session, TimeProvider time)
    : SnapshotGrain<SessionView?>, ISessionGrain
{
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
        var now = time.GetUtcNow();
        var view = CurrentSnapshot();
        if (view is null || view.At(now) is null)
        {
            return null;
        }

        if (view.RecordsUse(now))
        {
            session.State.LastSeenAt = now;
            await session.WriteStateAsync();
            view = CurrentSnapshot()!;
        }

        return view.At(now);
    }

    public async Task RevokeAsync()
    {
        if (session.RecordExists && !session.State.Revoked)
        {
            session.State.Revoked = true;
            await session.WriteStateAsync();
        }
    }

    protected override IStorage SnapshotState => session;

    protected override SessionView? CurrentSnapshot()
    {
        var state = session.State;
        return session.RecordExists ? new SessionView(state.CompanyId, state.UserId, state.LastSeenAt, state.IdleTimeout, state.Revoked) : null;
    }
}
