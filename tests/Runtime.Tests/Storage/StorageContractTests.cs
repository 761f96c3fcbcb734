using System.Text;
using System.Text.Json.Nodes;
using Scheduling.Runtime.Storage;

namespace Scheduling.Runtime.Tests.Storage;

/// <summary>The providers under test, and what to dispose after the test.</summary>
public sealed record StorageUnderTest(
    IGrainStorage Grains,
    IOutboxStore Outbox,
    IReminderTable Reminders,
    IStorageHealth Health,
    IAsyncDisposable? Owner = null);

/// <summary>
/// What every storage provider must do, written once and run against each provider by a subclass. Each test
/// starts on empty storage; all times are fixed, because the providers take "now" from their callers.
/// </summary>
public abstract class StorageContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2030, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private StorageUnderTest? _store;

    protected IGrainStorage Grains => Store.Grains;

    protected IOutboxStore Outbox => Store.Outbox;

    protected IReminderTable Reminders => Store.Reminders;

    private StorageUnderTest Store => _store ?? throw new InvalidOperationException("Storage not opened.");

    public async Task InitializeAsync() => _store = await OpenEmptyAsync();

    public async Task DisposeAsync()
    {
        if (_store?.Owner is { } owner)
        {
            await owner.DisposeAsync();
        }
    }

    /// <summary>Providers over empty storage.</summary>
    protected abstract Task<StorageUnderTest> OpenEmptyAsync();

    // ---- grain state ----

    [Fact]
    public async Task ReadOfAStateNeverWrittenReturnsNull()
    {
        Assert.Null(await Grains.ReadAsync(NewKey(), default));
    }

    [Fact]
    public async Task FirstWriteCreatesVersionOne()
    {
        var key = NewKey();

        var version = await Grains.WriteAsync(Write(key, 0, """{"name":"Ada","hours":[9,17]}"""), default);

        Assert.Equal(1, version);
        var stored = await Grains.ReadAsync(key, default);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Version);
        Assert.True(stored.RecordExists);
        AssertJson("""{"name":"Ada","hours":[9,17]}""", stored.Payload);
    }

    [Fact]
    public async Task WriteConditionalOnTheStoredVersionReplacesTheStateAndBumpsTheVersion()
    {
        var key = NewKey();
        await Grains.WriteAsync(Write(key, 0, """{"n":1}"""), default);

        var version = await Grains.WriteAsync(Write(key, 1, """{"n":2}"""), default);

        Assert.Equal(2, version);
        var stored = await Grains.ReadAsync(key, default);
        Assert.Equal(2, stored!.Version);
        AssertJson("""{"n":2}""", stored.Payload);
    }

    [Fact]
    public async Task StaleWriteThrowsAndChangesNothing()
    {
        var key = NewKey();
        await Grains.WriteAsync(Write(key, 0, """{"n":1}"""), default);
        await Grains.WriteAsync(Write(key, 1, """{"n":2}"""), default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Grains.WriteAsync(Write(key, 1, """{"n":"stale"}"""), default));

        var stored = await Grains.ReadAsync(key, default);
        Assert.Equal(2, stored!.Version);
        AssertJson("""{"n":2}""", stored.Payload);
    }

    [Fact]
    public async Task FirstWriteOfAStateThatAlreadyExistsThrows()
    {
        var key = NewKey();
        await Grains.WriteAsync(Write(key, 0, """{"n":1}"""), default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Grains.WriteAsync(Write(key, 0, """{"n":"again"}"""), default));

        var stored = await Grains.ReadAsync(key, default);
        Assert.Equal(1, stored!.Version);
        AssertJson("""{"n":1}""", stored.Payload);
    }

    [Fact]
    public async Task WriteExpectingAVersionOfAStateThatDoesNotExistThrowsAndCreatesNothing()
    {
        var key = NewKey();

        await Assert.ThrowsAsync<InconsistentStateException>(() => Grains.WriteAsync(Write(key, 3, """{"n":1}"""), default));

        Assert.Null(await Grains.ReadAsync(key, default));
    }

    [Fact]
    public async Task ClearLeavesATombstoneAndTheVersionKeepsCounting()
    {
        var key = NewKey();
        await Grains.WriteAsync(Write(key, 0, """{"n":1}"""), default);

        var cleared = await Grains.WriteAsync(Write(key, 1, null), default);

        Assert.Equal(2, cleared);
        var tombstone = await Grains.ReadAsync(key, default);
        Assert.NotNull(tombstone);
        Assert.Null(tombstone.Payload);
        Assert.False(tombstone.RecordExists);
        Assert.Equal(2, tombstone.Version);

        // A stale activation that still believes no record exists must not resurrect the state.
        await Assert.ThrowsAsync<InconsistentStateException>(() => Grains.WriteAsync(Write(key, 0, """{"n":"zombie"}"""), default));

        Assert.Equal(3, await Grains.WriteAsync(Write(key, 2, """{"n":3}"""), default));
        var stored = await Grains.ReadAsync(key, default);
        Assert.Equal(3, stored!.Version);
        AssertJson("""{"n":3}""", stored.Payload);
    }

    [Fact]
    public async Task StatesOfDifferentNamesAndGrainsAreIndependent()
    {
        var grain = GrainId.Create("calendar", Guid.NewGuid());
        var profile = new GrainStateKey(grain, "profile");
        var hours = new GrainStateKey(grain, "hours");
        var otherGrain = new GrainStateKey(GrainId.Create("location", grain.Key), "profile");

        await Grains.WriteAsync(Write(profile, 0, """{"s":"profile"}"""), default);
        await Grains.WriteAsync(Write(profile, 1, """{"s":"profile2"}"""), default);
        await Grains.WriteAsync(Write(hours, 0, """{"s":"hours"}"""), default);

        Assert.Equal(2, (await Grains.ReadAsync(profile, default))!.Version);
        Assert.Equal(1, (await Grains.ReadAsync(hours, default))!.Version);
        Assert.Null(await Grains.ReadAsync(otherGrain, default));
    }

    [Fact]
    public async Task KeysWithSlashesAndNonAsciiTextRoundTrip()
    {
        var key = new GrainStateKey(GrainId.Create("client", "acme/ünïcödé/ä@example.com"), "state/with/slashes");

        await Grains.WriteAsync(Write(key, 0, """{"name":"Zoë – 東京","emoji":"🗓️"}"""), default);

        var stored = await Grains.ReadAsync(key, default);
        AssertJson("""{"name":"Zoë – 東京","emoji":"🗓️"}""", stored!.Payload);
    }

    [Fact]
    public async Task OutboxMessagesCommitWithTheirStateWrite()
    {
        var key = NewKey();
        var first = Message("appointments", createdAt: T0);
        var second = Message("appointments", createdAt: T0);

        await Grains.WriteAsync(Write(key, 0, """{"n":1}""", first, second), default);

        var claimed = await Outbox.ClaimAsync("silo-a", 10, Lease, T0, default);
        Assert.Equal([first.EventId, second.EventId], claimed.Select(r => r.Message.EventId));
        Assert.True(claimed[0].Sequence < claimed[1].Sequence);
        AssertSameMessage(first, claimed[0].Message);
        AssertSameMessage(second, claimed[1].Message);
    }

    [Fact]
    public async Task AWriteThatKeepsThePayloadMovesOnlyTheVersionWithItsEvents()
    {
        var key = NewKey();
        await Grains.WriteAsync(Write(key, 0, """{"n":1}"""), default);
        var message = Message("s", T0);

        var version = await Grains.WriteAsync(Write(key, 1, null, message) with { KeepPayload = true }, default);

        Assert.Equal(2, version);
        var stored = await Grains.ReadAsync(key, default);
        Assert.Equal(2, stored!.Version);
        AssertJson("""{"n":1}""", stored.Payload);
        Assert.Equal([message.EventId], (await Outbox.ClaimAsync("silo-a", 10, Lease, T0, default)).Select(r => r.Message.EventId));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Grains.WriteAsync(Write(key, 1, null) with { KeepPayload = true }, default));
        await Assert.ThrowsAsync<ArgumentException>(() => Grains.WriteAsync(Write(NewKey(), 0, null) with { KeepPayload = true }, default));
    }

    [Fact]
    public async Task OutboxMessagesOfAFailedWriteAreNotStored()
    {
        var key = NewKey();
        await Grains.WriteAsync(Write(key, 0, """{"n":1}"""), default);
        await Grains.WriteAsync(Write(key, 1, """{"n":2}"""), default);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => Grains.WriteAsync(Write(key, 1, """{"n":"stale"}""", Message("s", T0), Message("s", T0)), default));

        Assert.Empty(await Outbox.ClaimAsync("silo-a", 10, Lease, T0.AddHours(1), default));
        Assert.Equal(0, (await Outbox.GetStatsAsync(T0, default)).Pending);
    }

    [Fact]
    public async Task WriteWhoseOutboxInsertFailsLeavesTheStateUnchanged()
    {
        var key = NewKey();
        await Grains.WriteAsync(Write(key, 0, """{"n":1}"""), default);
        var published = Message("s", T0);
        await Outbox.AppendAsync([published], null, default);

        // The second message repeats an event id the outbox already holds: the whole write must fail.
        var fresh = Message("s", T0);
        var duplicate = new OutboxMessage(published.EventId, published.StreamNamespace, published.StreamKey, published.PayloadType, Utf8("""{"dup":true}"""), published.CreatedAt);
        await Assert.ThrowsAnyAsync<Exception>(() => Grains.WriteAsync(Write(key, 1, """{"n":2}""", fresh, duplicate), default));

        var stored = await Grains.ReadAsync(key, default);
        Assert.Equal(1, stored!.Version);
        AssertJson("""{"n":1}""", stored.Payload);
        var claimed = await Outbox.ClaimAsync("silo-a", 10, Lease, T0, default);
        var only = Assert.Single(claimed);
        AssertSameMessage(published, only.Message);
    }

    // ---- outbox ----

    [Fact]
    public async Task ClaimTakesDueMessagesInSequenceOrderUpToTheLimit()
    {
        var messages = Enumerable.Range(0, 3).Select(_ => Message("s", T0)).ToArray();
        await Outbox.AppendAsync(messages, null, default);

        var first = await Outbox.ClaimAsync("silo-a", 2, Lease, T0, default);
        var second = await Outbox.ClaimAsync("silo-b", 2, Lease, T0, default);

        Assert.Equal(messages.Take(2).Select(m => m.EventId), first.Select(r => r.Message.EventId));
        Assert.Equal([messages[2].EventId], second.Select(r => r.Message.EventId));
        Assert.All(first.Concat(second), r => Assert.Equal(0, r.Attempts));
        Assert.Empty(await Outbox.ClaimAsync("silo-c", 2, Lease, T0, default));
    }

    [Fact]
    public async Task MessageIsNotDueBeforeItWasCreated()
    {
        await Outbox.AppendAsync([Message("s", T0.AddMinutes(5))], null, default);

        Assert.Empty(await Outbox.ClaimAsync("silo-a", 10, Lease, T0, default));
        Assert.Single(await Outbox.ClaimAsync("silo-a", 10, Lease, T0.AddMinutes(5), default));
    }

    [Fact]
    public async Task ClaimedMessageIsNotClaimedAgainUntilItsLeaseRunsOut()
    {
        var message = Message("s", T0);
        await Outbox.AppendAsync([message], null, default);
        var claimed = Assert.Single(await Outbox.ClaimAsync("silo-a", 10, Lease, T0, default));

        Assert.Empty(await Outbox.ClaimAsync("silo-b", 10, Lease, T0 + Lease - TimeSpan.FromSeconds(1), default));

        // The lease ran out (silo-a crashed): another silo takes the message over.
        var takenOver = Assert.Single(await Outbox.ClaimAsync("silo-b", 10, Lease, T0 + Lease, default));
        Assert.Equal(claimed.Sequence, takenOver.Sequence);
        AssertSameMessage(message, takenOver.Message);
    }

    [Fact]
    public async Task CompletedMessagesAreNeverClaimedAgain()
    {
        await Outbox.AppendAsync([Message("s", T0), Message("s", T0)], null, default);
        var claimed = await Outbox.ClaimAsync("silo-a", 10, Lease, T0, default);

        await Outbox.CompleteAsync([claimed[0].Message.EventId], default);

        var later = await Outbox.ClaimAsync("silo-b", 10, Lease, T0.AddHours(1), default);
        Assert.Equal([claimed[1].Sequence], later.Select(r => r.Sequence));
    }

    [Fact]
    public async Task ReleasedMessageComesBackAtItsRetryTimeWithTheAttemptCounted()
    {
        var message = Message("s", T0);
        await Outbox.AppendAsync([message], null, default);
        var claimed = Assert.Single(await Outbox.ClaimAsync("silo-a", 10, Lease, T0, default));

        await Outbox.ReleaseAsync([claimed.Message.EventId], T0.AddSeconds(30), "receiver answered 503", default);

        Assert.Empty(await Outbox.ClaimAsync("silo-a", 10, Lease, T0.AddSeconds(29), default));
        var retried = Assert.Single(await Outbox.ClaimAsync("silo-b", 10, Lease, T0.AddSeconds(30), default));
        Assert.Equal(claimed.Sequence, retried.Sequence);
        Assert.Equal(1, retried.Attempts);
        AssertSameMessage(message, retried.Message);
    }

    [Fact]
    public async Task DeliveredMessagesLeaveTheOutboxAndOnlyIdsStillInItAreRefused()
    {
        var (delivered, pending) = (Message("s", T0), Message("s", T0));
        await Outbox.AppendAsync([delivered, pending], null, default);
        var claimed = await Outbox.ClaimAsync("silo-a", 1, Lease, T0, default);

        await Outbox.CompleteAsync([claimed[0].Message.EventId], default);

        Assert.Equal(1, (await Outbox.GetStatsAsync(T0, default)).Pending);
        await Assert.ThrowsAnyAsync<Exception>(() => Outbox.AppendAsync([pending], null, default));
        await Outbox.AppendAsync([delivered with { CreatedAt = T0.AddSeconds(20) }], null, default);
        var left = await Outbox.ClaimAsync("silo-b", 10, Lease, T0.AddSeconds(20), default);
        Assert.Equal([pending.EventId, delivered.EventId], left.Select(r => r.Message.EventId));
    }

    [Fact]
    public async Task StatsCountUndeliveredMessagesAndTheAgeOfTheOldest()
    {
        Assert.Equal(new OutboxStats(0, TimeSpan.Zero), await Outbox.GetStatsAsync(T0, default));
        await Outbox.AppendAsync([Message("s", T0), Message("s", T0.AddSeconds(10))], null, default);

        Assert.Equal(new OutboxStats(2, TimeSpan.FromSeconds(60)), await Outbox.GetStatsAsync(T0.AddSeconds(60), default));

        var claimed = await Outbox.ClaimAsync("silo-a", 1, Lease, T0.AddSeconds(60), default);
        Assert.Equal(new OutboxStats(2, TimeSpan.FromSeconds(60)), await Outbox.GetStatsAsync(T0.AddSeconds(60), default));
        await Outbox.CompleteAsync([claimed[0].Message.EventId], default);

        Assert.Equal(new OutboxStats(1, TimeSpan.FromSeconds(50)), await Outbox.GetStatsAsync(T0.AddSeconds(60), default));
    }

    [Fact]
    public async Task MessagesBornLeasedAreLeftToTheirOwnerUntilTheLeaseRunsOutWithTheAttemptCounted()
    {
        var key = NewKey();
        var lease = new OutboxLease("silo-a", T0 + Lease);
        var (published, written, free) = (Message("s", T0), Message("s", T0), Message("s", T0));
        await Outbox.AppendAsync([published], lease, default);
        await Grains.WriteAsync(Write(key, 0, """{"n":1}""", written) with { OutboxLease = lease }, default);
        await Outbox.AppendAsync([free], null, default);

        // Only the row without a lease can be claimed while the owner's lease holds.
        var claimed = Assert.Single(await Outbox.ClaimAsync("silo-b", 10, Lease, T0 + Lease - TimeSpan.FromSeconds(1), default));
        Assert.Equal(free.EventId, claimed.Message.EventId);
        Assert.Equal(3, (await Outbox.GetStatsAsync(T0, default)).Pending);

        // The owner never reported back: the rows go to whoever claims after the lease, their first attempt counted.
        var takenOver = await Outbox.ClaimAsync("silo-b", 10, Lease, T0 + Lease, default);
        Assert.Equal([published.EventId, written.EventId], takenOver.Select(r => r.Message.EventId));
        Assert.All(takenOver, r => Assert.Equal(1, r.Attempts));
        AssertSameMessage(written, takenOver[1].Message);
    }

    [Fact]
    public async Task TheOwnerCompletesOrReleasesBornLeasedMessagesByEventId()
    {
        var lease = new OutboxLease("silo-a", T0 + Lease);
        var (delivered, failed) = (Message("s", T0), Message("s", T0));
        await Outbox.AppendAsync([delivered, failed], lease, default);

        await Outbox.CompleteAsync([delivered.EventId], default);
        await Outbox.ReleaseAsync([failed.EventId], T0.AddSeconds(30), "receiver answered 503", default);

        Assert.Equal(1, (await Outbox.GetStatsAsync(T0, default)).Pending);
        Assert.Empty(await Outbox.ClaimAsync("silo-b", 10, Lease, T0.AddSeconds(29), default));
        var retried = Assert.Single(await Outbox.ClaimAsync("silo-b", 10, Lease, T0.AddSeconds(30), default));
        Assert.Equal(failed.EventId, retried.Message.EventId);
        Assert.Equal(1, retried.Attempts);
    }

    [Fact]
    public async Task ConcurrentClaimersNeverGetTheSameMessage()
    {
        const int count = 200;
        await Outbox.AppendAsync(Enumerable.Range(0, count).Select(_ => Message("s", T0)).ToArray(), null, default);
        using var start = new Barrier(4);

        var claimers = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            start.SignalAndWait();
            var mine = new List<long>();
            while (true)
            {
                var batch = await Outbox.ClaimAsync($"silo-{i}", 7, Lease, T0, default);
                if (batch.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(batch.Select(r => r.Sequence));
            }
        })).ToArray();
        var all = (await Task.WhenAll(claimers)).SelectMany(s => s).ToList();

        Assert.Equal(count, all.Count);
        Assert.Equal(count, all.Distinct().Count());
    }

    // ---- reminders ----

    [Fact]
    public async Task UpsertCreatesAReminderThatReadsBack()
    {
        var grain = NewGrain();

        var entry = await Reminders.UpsertAsync(grain, "send_reminder", T0.AddHours(1), TimeSpan.Zero, default);

        Assert.Equal(grain, entry.GrainId);
        Assert.Equal("send_reminder", entry.Name);
        Assert.Equal(T0.AddHours(1), entry.DueAt);
        Assert.Equal(TimeSpan.Zero, entry.Period);
        Assert.True(entry.Version > 0);
        Assert.Equal(entry, await Reminders.ReadAsync(grain, "send_reminder", default));
        Assert.Equal([entry], await Reminders.ReadAllAsync(grain, default));
        Assert.Null(await Reminders.ReadAsync(grain, "other", default));
        Assert.Empty(await Reminders.ReadAllAsync(NewGrain(), default));
    }

    [Fact]
    public async Task UpsertOfAnExistingReminderReplacesItWithAHigherVersionAndFreesItsLease()
    {
        var grain = NewGrain();
        var first = await Reminders.UpsertAsync(grain, "r", T0, TimeSpan.Zero, default);
        Assert.Single(await Reminders.ClaimDueAsync("silo-a", T0, 10, TimeSpan.FromHours(1), default));

        var second = await Reminders.UpsertAsync(grain, "r", T0.AddSeconds(30), TimeSpan.FromMinutes(5), default);

        Assert.True(second.Version > first.Version);
        Assert.Equal(T0.AddSeconds(30), second.DueAt);
        Assert.Equal(TimeSpan.FromMinutes(5), second.Period);
        Assert.Equal(second, await Reminders.ReadAsync(grain, "r", default));

        // Claimable long before silo-a's hour-long lease would have run out.
        var claimed = Assert.Single(await Reminders.ClaimDueAsync("silo-b", T0.AddSeconds(30), 10, Lease, default));
        Assert.Equal(second, claimed);
    }

    [Fact]
    public async Task RemoveDeletesTheReminderOnlyWhenTheVersionMatches()
    {
        var grain = NewGrain();
        var entry = await Reminders.UpsertAsync(grain, "r", T0, TimeSpan.Zero, default);

        Assert.False(await Reminders.RemoveAsync(grain, "r", entry.Version + 1000, default));
        Assert.NotNull(await Reminders.ReadAsync(grain, "r", default));

        Assert.True(await Reminders.RemoveAsync(grain, "r", entry.Version, default));
        Assert.Null(await Reminders.ReadAsync(grain, "r", default));
        Assert.False(await Reminders.RemoveAsync(grain, "r", null, default));

        await Reminders.UpsertAsync(grain, "r", T0, TimeSpan.Zero, default);
        Assert.True(await Reminders.RemoveAsync(grain, "r", null, default));
        Assert.Empty(await Reminders.ReadAllAsync(grain, default));
    }

    [Fact]
    public async Task ReminderChangesCommitWithTheirStateWriteAndNotWithoutIt()
    {
        var key = NewKey();
        var grain = key.GrainId;
        var earlier = await Reminders.UpsertAsync(grain, "moved", T0, TimeSpan.FromMinutes(5), default);
        await Reminders.UpsertAsync(grain, "removed", T0, TimeSpan.Zero, default);

        await Grains.WriteAsync(
            Write(key, 0, """{"n":1}""") with
            {
                Attachments = [new ReminderChange(grain, "new", T0.AddHours(2)), new ReminderChange(grain, "moved", T0.AddHours(3)), new ReminderChange(grain, "removed", null)],
            },
            default);

        var entries = await Reminders.ReadAllAsync(grain, default);
        Assert.Equal(["moved", "new"], entries.Select(e => e.Name));
        Assert.Equal(T0.AddHours(3), entries[0].DueAt);
        Assert.Equal(TimeSpan.Zero, entries[0].Period);
        Assert.True(entries[0].Version > earlier.Version);
        Assert.Equal(T0.AddHours(2), entries[1].DueAt);

        // A stale write takes its reminder changes down with it.
        await Assert.ThrowsAsync<InconsistentStateException>(() => Grains.WriteAsync(
            Write(key, 0, """{"n":"stale"}""") with { Attachments = [new ReminderChange(grain, "new", null), new ReminderChange(grain, "stale", T0)] },
            default));
        Assert.Equal(["moved", "new"], (await Reminders.ReadAllAsync(grain, default)).Select(e => e.Name));
    }

    [Fact]
    public async Task SeveralChangesOfOneReminderInAWriteLeaveTheLastOne()
    {
        var key = NewKey();
        var grain = key.GrainId;
        await Reminders.UpsertAsync(grain, "back", T0, TimeSpan.Zero, default);

        // Registered then removed, removed then registered again, moved twice: as if applied one after another.
        await Grains.WriteAsync(
            Write(key, 0, """{"n":1}""") with
            {
                Attachments =
                [
                    new ReminderChange(grain, "gone", T0.AddHours(1)), new ReminderChange(grain, "back", null),
                    new ReminderChange(grain, "twice", T0.AddHours(2)), new ReminderChange(grain, "gone", null),
                    new ReminderChange(grain, "back", T0.AddHours(4)), new ReminderChange(grain, "twice", T0.AddHours(3)),
                ],
            },
            default);

        var entries = await Reminders.ReadAllAsync(grain, default);
        Assert.Equal([("back", T0.AddHours(4)), ("twice", T0.AddHours(3))], entries.Select(e => (e.Name, e.DueAt)));
    }

    [Fact]
    public async Task ClaimDueTakesOnlyDueRemindersInDueOrderAndLeasesThem()
    {
        var grain = NewGrain();
        await Reminders.UpsertAsync(grain, "later", T0.AddMinutes(2), TimeSpan.Zero, default);
        await Reminders.UpsertAsync(grain, "second", T0.AddMinutes(1), TimeSpan.Zero, default);
        await Reminders.UpsertAsync(grain, "first", T0, TimeSpan.Zero, default);
        await Reminders.UpsertAsync(grain, "future", T0.AddHours(1), TimeSpan.Zero, default);

        var claimed = await Reminders.ClaimDueAsync("silo-a", T0.AddMinutes(2), 2, Lease, default);
        Assert.Equal(["first", "second"], claimed.Select(r => r.Name));

        var rest = await Reminders.ClaimDueAsync("silo-b", T0.AddMinutes(2), 10, Lease, default);
        Assert.Equal(["later"], rest.Select(r => r.Name));

        Assert.Empty(await Reminders.ClaimDueAsync("silo-c", T0.AddMinutes(2) + Lease - TimeSpan.FromSeconds(1), 10, Lease, default));

        // The leases ran out (their silos crashed): the firings are taken over.
        var takenOver = await Reminders.ClaimDueAsync("silo-c", T0.AddMinutes(2) + Lease, 10, Lease, default);
        Assert.Equal(["first", "second", "later"], takenOver.Select(r => r.Name));
    }

    [Fact]
    public async Task AReminderRegisteredBeforeEveryOtherAfterAClaimFoundNothingDueIsClaimedWhenDue()
    {
        var grain = NewGrain();
        await Reminders.UpsertAsync(grain, "next-week", T0.AddDays(7), TimeSpan.Zero, default);
        Assert.DoesNotContain(await Reminders.ClaimDueAsync("silo-a", T0, 1_000, Lease, default), r => r.GrainId == grain);

        await Reminders.UpsertAsync(grain, "soon", T0.AddMinutes(1), TimeSpan.Zero, default);
        Assert.DoesNotContain(await Reminders.ClaimDueAsync("silo-a", T0, 1_000, Lease, default), r => r.GrainId == grain);
        Assert.Equal(["soon"], (await Reminders.ClaimDueAsync("silo-a", T0.AddMinutes(1), 1_000, Lease, default)).Where(r => r.GrainId == grain).Select(r => r.Name));
    }

    [Fact]
    public async Task CompletingAOneShotFiringRemovesTheReminder()
    {
        var grain = NewGrain();
        await Reminders.UpsertAsync(grain, "once", T0, TimeSpan.Zero, default);
        var fired = Assert.Single(await Reminders.ClaimDueAsync("silo-a", T0, 10, Lease, default));

        await Reminders.CompleteFiringAsync(fired, null, default);

        Assert.Null(await Reminders.ReadAsync(grain, "once", default));
        Assert.Empty(await Reminders.ClaimDueAsync("silo-a", T0.AddDays(1), 10, Lease, default));
    }

    [Fact]
    public async Task CompletingAPeriodicFiringMovesItToTheNextDueTimeAndFreesTheLease()
    {
        var grain = NewGrain();
        var period = TimeSpan.FromMinutes(5);
        var registered = await Reminders.UpsertAsync(grain, "tick", T0, period, default);
        var fired = Assert.Single(await Reminders.ClaimDueAsync("silo-a", T0, 10, TimeSpan.FromHours(1), default));

        await Reminders.CompleteFiringAsync(fired, T0 + period, default);

        var moved = await Reminders.ReadAsync(grain, "tick", default);
        Assert.Equal(registered with { DueAt = T0 + period }, moved);
        Assert.Empty(await Reminders.ClaimDueAsync("silo-b", T0 + period - TimeSpan.FromSeconds(1), 10, Lease, default));

        // Due again well within the first claim's hour-long lease: the completion freed it.
        var next = Assert.Single(await Reminders.ClaimDueAsync("silo-b", T0 + period, 10, Lease, default));
        Assert.Equal(T0 + period, next.DueAt);
    }

    [Fact]
    public async Task CompletingAFiringLeavesAReminderRegisteredMeanwhileUntouched()
    {
        var grain = NewGrain();
        await Reminders.UpsertAsync(grain, "once", T0, TimeSpan.Zero, default);
        await Reminders.UpsertAsync(grain, "tick", T0, TimeSpan.FromMinutes(5), default);
        var fired = await Reminders.ClaimDueAsync("silo-a", T0, 10, Lease, default);

        // While firing, the grain moved both reminders (an appointment was rescheduled).
        var once = await Reminders.UpsertAsync(grain, "once", T0.AddHours(3), TimeSpan.Zero, default);
        var tick = await Reminders.UpsertAsync(grain, "tick", T0.AddHours(3), TimeSpan.FromMinutes(5), default);
        await Reminders.CompleteFiringAsync(fired.Single(r => r.Name == "once"), null, default);
        await Reminders.CompleteFiringAsync(fired.Single(r => r.Name == "tick"), T0.AddMinutes(5), default);

        Assert.Equal(once, await Reminders.ReadAsync(grain, "once", default));
        Assert.Equal(tick, await Reminders.ReadAsync(grain, "tick", default));
    }

    [Fact]
    public async Task CompletingAFiringLeavesAReminderRemovedAndRegisteredAgainMeanwhileUntouched()
    {
        var grain = NewGrain();
        await Reminders.UpsertAsync(grain, "once", T0, TimeSpan.Zero, default);
        var fired = Assert.Single(await Reminders.ClaimDueAsync("silo-a", T0, 10, Lease, default));

        Assert.True(await Reminders.RemoveAsync(grain, "once", null, default));
        var again = await Reminders.UpsertAsync(grain, "once", T0.AddDays(1), TimeSpan.Zero, default);
        await Reminders.CompleteFiringAsync(fired, null, default);

        Assert.NotEqual(fired.Version, again.Version);
        Assert.Equal(again, await Reminders.ReadAsync(grain, "once", default));
    }

    [Fact]
    public async Task ConcurrentReminderClaimersNeverGetTheSameReminder()
    {
        const int count = 100;
        var grain = NewGrain();
        for (var i = 0; i < count; i++)
        {
            await Reminders.UpsertAsync(grain, $"r{i}", T0.AddSeconds(-i), TimeSpan.Zero, default);
        }

        using var start = new Barrier(4);
        var claimers = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            start.SignalAndWait();
            var mine = new List<string>();
            while (true)
            {
                var batch = await Reminders.ClaimDueAsync($"silo-{i}", T0, 5, Lease, default);
                if (batch.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(batch.Select(r => r.Name));
            }
        })).ToArray();
        var all = (await Task.WhenAll(claimers)).SelectMany(s => s).ToList();

        Assert.Equal(count, all.Count);
        Assert.Equal(count, all.Distinct().Count());
    }

    // ---- health ----

    [Fact]
    public async Task ReachableStorageReportsHealthy()
    {
        Assert.True(await Store.Health.IsReachableAsync(default));
    }

    // ---- helpers ----

    protected static GrainStateKey NewKey(string stateName = "state") => new(NewGrain(), stateName);

    protected static GrainId NewGrain() => GrainId.Create("calendar", Guid.NewGuid());

    protected static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    protected static GrainStateWrite Write(GrainStateKey key, long expectedVersion, string? json, params OutboxMessage[] outbox) =>
        new(key, expectedVersion, json is null ? null : Utf8(json), outbox, []);

    protected static OutboxMessage Message(string streamKey, DateTimeOffset createdAt)
    {
        var id = Guid.NewGuid();
        return new OutboxMessage(id, "appointments", streamKey, "AppointmentCreated", Utf8($$"""{"id":"{{id}}","seats":2}"""), createdAt);
    }

    /// <summary>Compares JSON by meaning: a jsonb column may reorder keys and drop whitespace.</summary>
    protected static void AssertJson(string expected, byte[]? actual)
    {
        Assert.NotNull(actual);
        var expectedNode = JsonNode.Parse(expected);
        var actualNode = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(expectedNode, actualNode), $"Expected {expected} but found {Encoding.UTF8.GetString(actual)}");
    }

    protected static void AssertSameMessage(OutboxMessage expected, OutboxMessage actual)
    {
        Assert.Equal(expected.EventId, actual.EventId);
        Assert.Equal(expected.StreamNamespace, actual.StreamNamespace);
        Assert.Equal(expected.StreamKey, actual.StreamKey);
        Assert.Equal(expected.PayloadType, actual.PayloadType);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        AssertJson(Encoding.UTF8.GetString(expected.Payload), actual.Payload);
    }
}
