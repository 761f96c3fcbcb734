using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Tests.Storage;

/// <summary>Calls made while a group is in flight go out together as the next group; a group's failure is each call's.</summary>
public sealed class CallGroupsTests
{
    [Fact]
    public async Task CallsMadeWhileAGroupIsInFlightGoOutTogetherAsTheNext()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var groups = new List<int[]>();
        await using var calls = new CallGroups<int, string>(
            async group =>
            {
                lock (groups)
                {
                    groups.Add([.. group.Select(c => c.Request)]);
                }

                await gate.Task;
                foreach (var call in group)
                {
                    call.Completion.TrySetResult($"#{call.Request}");
                }
            },
            workers: 1,
            maxGroup: 100);

        var first = calls.CallAsync(0);
        await Eventually.TrueAsync(() => { lock (groups) { return groups.Count == 1; } }, "the first call goes out alone at once");
        var queued = Enumerable.Range(1, 10).Select(calls.CallAsync).ToList();
        gate.SetResult();

        Assert.Equal("#0", await first);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"#{i}"), await Task.WhenAll(queued));
        Assert.Equal([[0], [.. Enumerable.Range(1, 10)]], groups);
    }

    [Fact]
    public async Task AFailingGroupFailsEachOfItsCallsAndAnUnansweredCallFails()
    {
        await using var calls = new CallGroups<int, int>(
            group => group[0].Request < 0 ? throw new InvalidOperationException("database down") : Task.CompletedTask,
            workers: 1,
            maxGroup: 1);

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => calls.CallAsync(-1));
        var unanswered = await Assert.ThrowsAsync<InvalidOperationException>(() => calls.CallAsync(1));

        Assert.Equal("database down", failed.Message);
        Assert.Contains("unanswered", unanswered.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallsQueuedBeforeDisposalStillGoOutAndLaterCallsAreRefused()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = new CallGroups<int, int>(
            async group =>
            {
                await gate.Task;
                foreach (var call in group)
                {
                    call.Completion.TrySetResult(call.Request * 2);
                }
            },
            workers: 1,
            maxGroup: 3);
        var queued = Enumerable.Range(1, 7).Select(calls.CallAsync).ToList();

        var disposed = calls.DisposeAsync().AsTask();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => calls.CallAsync(8));
        gate.SetResult();
        await disposed;

        Assert.Equal(Enumerable.Range(1, 7).Select(i => i * 2), await Task.WhenAll(queued));
    }

    /// <summary>Waits for a condition that other threads make true; fails the test after the timeout.</summary>
    private static class Eventually
    {
        public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
        {
            var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
            while (!condition())
            {
                if (DateTime.UtcNow > deadline)
                {
                    Assert.Fail($"Timed out waiting until {what}.");
                }

                await Task.Delay(5);
            }
        }
    }
}
