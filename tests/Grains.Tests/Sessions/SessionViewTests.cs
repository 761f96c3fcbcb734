using Scheduling.Grains.Sessions;

namespace Scheduling.Grains.Tests.Sessions;

/// <summary>
/// The one rule of a session's use, which both its grain and a reader of its snapshot apply: valid while used within
/// the idle timeout, written at most once a minute, and only a use that must be written goes to the grain.
/// </summary>
public sealed class SessionViewTests
{
    private static readonly DateTimeOffset Seen = new(2031, 5, 1, 9, 0, 0, TimeSpan.Zero);

    private static SessionView View(TimeSpan idle, bool revoked = false) => new(7, 70, Seen, idle, revoked);

    [Fact]
    public void AUseWithinAMinuteIsAnsweredWithoutTheGrainAndExpiresAnIdleTimeoutAfterTheLastWrite()
    {
        var view = View(TimeSpan.FromHours(24));
        Assert.True(SessionView.TryAnswer(view, Seen.AddSeconds(59), out var session));
        Assert.Equal((7, 70, Seen.AddHours(24)), (session!.CompanyId, session.UserId, session.ExpiresAt));
    }

    [Fact]
    public void AUseAMinuteOrMoreAfterTheLastWriteGoesToTheGrainToBeWritten()
    {
        var view = View(TimeSpan.FromHours(24));
        Assert.True(view.RecordsUse(Seen.AddMinutes(1)));
        Assert.False(SessionView.TryAnswer(view, Seen.AddMinutes(1), out _));
    }

    [Fact]
    public void RevokedExpiredAndUnknownSessionsAreAnsweredAsInvalidWithoutTheGrain()
    {
        Assert.True(SessionView.TryAnswer(View(TimeSpan.FromHours(24), revoked: true), Seen.AddSeconds(1), out var revoked));
        Assert.Null(revoked);
        Assert.True(SessionView.TryAnswer(View(TimeSpan.FromMinutes(30)), Seen.AddMinutes(31), out var expired));
        Assert.Null(expired);
        Assert.True(SessionView.TryAnswer(null, Seen, out var unknown));
        Assert.Null(unknown);
    }
}
