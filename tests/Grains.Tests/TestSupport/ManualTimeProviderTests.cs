using Scheduling.TestSupport;

namespace Scheduling.Grains.Tests.TestSupport;

public sealed class ManualTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheClockStartsWhereItIsToldAndMovesOnlyWhenAdvanced()
    {
        var clock = new ManualTimeProvider(Start);

        Assert.Equal(Start, clock.GetUtcNow());
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(Start.AddMinutes(5), clock.GetUtcNow());
        clock.SetUtcNow(Start.AddHours(2));
        Assert.Equal(Start.AddHours(2), clock.GetUtcNow());
    }

    [Fact]
    public void TheClockNeverGoesBackwards()
    {
        var clock = new ManualTimeProvider(Start);

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.SetUtcNow(Start.AddTicks(-1)));
        Assert.Equal(Start, clock.GetUtcNow());
    }

    [Fact]
    public void TimestampsMeasureTheTimeTheClockWasAdvanced()
    {
        var clock = new ManualTimeProvider(Start);
        var started = clock.GetTimestamp();

        clock.Advance(TimeSpan.FromMilliseconds(1500));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), clock.GetElapsedTime(started));
    }

    [Fact]
    public void TheLocalTimeZoneIsUtcUnlessGiven()
    {
        Assert.Equal(TimeZoneInfo.Utc, new ManualTimeProvider(Start).LocalTimeZone);
        var other = TimeZoneInfo.CreateCustomTimeZone("Test/Plus3", TimeSpan.FromHours(3), "Plus3", "Plus3");
        Assert.Equal(other, new ManualTimeProvider(Start, other).LocalTimeZone);
    }

    [Fact]
    public void ATimerFiresOnlyOnceTheClockReachesItsDueTime()
    {
        var clock = new ManualTimeProvider(Start);
        var fired = 0;
        using var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, fired);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fired);
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, fired);
        Assert.Equal(0, clock.PendingTimerCount);
    }

    [Fact]
    public void ATimerCallbackReceivesItsStateAndSeesTheClockAtItsDueTime()
    {
        var clock = new ManualTimeProvider(Start);
        object? seenState = null;
        DateTimeOffset seenTime = default;
        var state = new object();
        using var timer = clock.CreateTimer(
            s => { seenState = s; seenTime = clock.GetUtcNow(); }, state, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Same(state, seenState);
        Assert.Equal(Start.AddSeconds(10), seenTime);
        Assert.Equal(Start.AddMinutes(1), clock.GetUtcNow());
    }

    [Fact]
    public void APeriodicTimerFiresOncePerElapsedPeriod()
    {
        var clock = new ManualTimeProvider(Start);
        var times = new List<DateTimeOffset>();
        using var timer = clock.CreateTimer(_ => times.Add(clock.GetUtcNow()), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));

        clock.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal([Start.AddSeconds(1), Start.AddSeconds(3), Start.AddSeconds(5)], times);
    }

    [Fact]
    public void TimersFireInDueTimeOrderWithinOneAdvance()
    {
        var clock = new ManualTimeProvider(Start);
        var order = new List<string>();
        using var late = clock.CreateTimer(_ => order.Add("late"), null, TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => order.Add("early"), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
        using var tie = clock.CreateTimer(_ => order.Add("tie"), null, TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(["early", "late", "tie"], order);
    }

    [Fact]
    public void AZeroDueTimeFiresAtOnce()
    {
        var clock = new ManualTimeProvider(Start);
        var fired = 0;

        using var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);

        Assert.Equal(1, fired);
    }

    [Fact]
    public void ChangeReschedulesFromTheCurrentTimeAndAnInfiniteDueTimeStopsTheTimer()
    {
        var clock = new ManualTimeProvider(Start);
        var fired = 0;
        using var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.True(timer.Change(TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan));
        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, fired);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, fired);

        Assert.True(timer.Change(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));
        Assert.True(timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, fired);
    }

    [Fact]
    public void ADisposedTimerNeverFiresAndCannotBeChanged()
    {
        var clock = new ManualTimeProvider(Start);
        var fired = 0;
        var timer = clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));

        timer.Dispose();
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, fired);
        Assert.False(timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));
        Assert.Equal(0, clock.PendingTimerCount);
    }

    [Fact]
    public void NegativeDueTimesAndPeriodsOtherThanInfiniteAreRefused()
    {
        var clock = new ManualTimeProvider(Start);

        Assert.Throws<ArgumentOutOfRangeException>(
            () => clock.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(-2), Timeout.InfiniteTimeSpan));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => clock.CreateTimer(_ => { }, null, TimeSpan.Zero, TimeSpan.FromSeconds(-2)));
    }

    [Fact]
    public void ACallbackMayCreateTimersThatFallDueInTheSameAdvance()
    {
        var clock = new ManualTimeProvider(Start);
        var times = new List<DateTimeOffset>();
        ITimer? inner = null;
        using var outer = clock.CreateTimer(
            _ =>
            {
                times.Add(clock.GetUtcNow());
                inner = clock.CreateTimer(_ => times.Add(clock.GetUtcNow()), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
            },
            null,
            TimeSpan.FromSeconds(10),
            Timeout.InfiniteTimeSpan);

        clock.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal([Start.AddSeconds(10), Start.AddSeconds(15)], times);
        inner?.Dispose();
    }

    [Fact]
    public async Task TaskDelayCompletesWhenTheClockPassesItsEnd()
    {
        var clock = new ManualTimeProvider(Start);

        var delay = Task.Delay(TimeSpan.FromMinutes(5), clock);
        Assert.Equal(1, clock.PendingTimerCount);
        clock.Advance(TimeSpan.FromMinutes(4));
        Assert.False(delay.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(1));

        await delay.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task WaitAsyncTimesOutOnTheManualClock()
    {
        var clock = new ManualTimeProvider(Start);
        var never = new TaskCompletionSource();

        var waiting = never.Task.WaitAsync(TimeSpan.FromSeconds(30), clock);
        clock.Advance(TimeSpan.FromSeconds(30));

        await Assert.ThrowsAsync<TimeoutException>(() => waiting);
    }

    [Fact]
    public void ACancellationTokenSourceWithATimeoutCancelsWhenTheClockPassesIt()
    {
        var clock = new ManualTimeProvider(Start);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(30), clock);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.False(cancellation.IsCancellationRequested);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(cancellation.IsCancellationRequested);
    }

    [Fact]
    public async Task APeriodicTimerTicksEachTimeThePeriodElapses()
    {
        var clock = new ManualTimeProvider(Start);
        using var periodic = new PeriodicTimer(TimeSpan.FromMinutes(1), clock);

        var tick = periodic.WaitForNextTickAsync();
        Assert.False(tick.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await tick.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

        var next = periodic.WaitForNextTickAsync();
        Assert.False(next.IsCompleted);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await next.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task AdvancingFromManyThreadsAddsUpAndFiresEveryPeriod()
    {
        var clock = new ManualTimeProvider(Start);
        var fired = 0;
        using var timer = clock.CreateTimer(_ => Interlocked.Increment(ref fired), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        var threads = Enumerable.Range(0, 8)
            .Select(thread => Task.Run(() =>
            {
                for (var i = 0; i < 500; i++)
                {
                    clock.Advance(TimeSpan.FromSeconds(1));
                    _ = clock.GetUtcNow();
                }
            }));
        await Task.WhenAll(threads);

        Assert.Equal(Start.AddSeconds(4000), clock.GetUtcNow());
        Assert.Equal(4000, Volatile.Read(ref fired));
    }
}
