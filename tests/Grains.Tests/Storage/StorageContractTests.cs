using System.Text;
using System.Text.Json.Nodes;
using Orleans.Storage;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Tests.Storage;

/// <summary>The stores under test, how to read the notes their writes attach, and what to dispose after the test.</summary>
public sealed record StorageUnderTest(
    IStateStore States,
    IOutboxStore Outbox,
    IOneShotReminderTable Reminders,
    IStorageHealth Health,
    Func<Task<IReadOnlyDictionary<string, string>>> ReadNotesAsync,
    Func<Task> WaitForOutboxHorizonAsync,
    IAsyncDisposable? Owner = null);

/// <summary>
/// What every storage must do, written once and run against each storage by a subclass (the memory store, PostgreSQL).
/// Each test starts on empty storage; all times are fixed, because the stores take "now" from their callers.
/// </summary>
public abstract class StorageContractTests : IAsyncLifetime
{
    protected static readonly DateTimeOffset T0 = new(2030, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private StorageUnderTest? _store;

    protected IStateStore States => Store.States;

    protected IOutboxStore Outbox => Store.Outbox;

    protected IOneShotReminderTable Reminders => Store.Reminders;

    private StorageUnderTest Store => _store ?? throw new InvalidOperationException("Storage not opened.");

    public async Task InitializeAsync() => _store = await OpenEmptyAsync();

    public async Task DisposeAsync()
    {
        if (_store?.Owner is { } owner)
        {
            await owner.DisposeAsync();
        }
    }

    /// <summary>Stores over empty storage.</summary>
    protected abstract Task<StorageUnderTest> OpenEmptyAsync();

    // ---- grain state ----

    [Fact]
    public async Task ReadOfAStateNeverWrittenReturnsNull()
    {
        Assert.Null(await States.ReadAsync(NewKey(), default));
    }

    [Fact]
    public async Task FirstWriteCreatesVersionOne()
    {
        var key = NewKey();

        var version = await States.WriteAsync(Write(key, 0, """{"name":"Ada","hours":[9,17]}"""), default);

        Assert.Equal(1, version);
        var stored = await States.ReadAsync(key, default);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Version);
        Assert.True(stored.RecordExists);
        AssertJson("""{"name":"Ada","hours":[9,17]}""", stored.Payload);
    }

    [Fact]
    public async Task WriteConditionalOnTheStoredVersionReplacesTheStateAndBumpsTheVersion()
    {
        var key = NewKey();
        await States.WriteAsync(Write(key, 0, """{"n":1}"""), default);

        var version = await States.WriteAsync(Write(key, 1, """{"n":2}"""), default);

        Assert.Equal(2, version);
        var stored = await States.ReadAsync(key, default);
        Assert.Equal(2, stored!.Version);
        AssertJson("""{"n":2}""", stored.Payload);
    }

    [Fact]
    public async Task StaleWriteThrowsAndChangesNothing()
    {
        var key = NewKey();
        await States.WriteAsync(Write(key, 0, """{"n":1}"""), default);
        await States.WriteAsync(Write(key, 1, """{"n":2}"""), default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(Write(key, 1, """{"n":"stale"}"""), default));

        var stored = await States.ReadAsync(key, default);
        Assert.Equal(2, stored!.Version);
        AssertJson("""{"n":2}""", stored.Payload);
    }

    [Fact]
    public async Task AVersionConflictNamesTheStateAndBothVersions()
    {
        var key = NewKey();
        await States.WriteAsync(Write(key, 0, """{"n":1}"""), default);
        await States.WriteAsync(Write(key, 1, """{"n":2}"""), default);

        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(Write(key, 1, """{"n":3}"""), default));

        Assert.Equal("2", conflict.StoredEtag);
        Assert.Equal("1", conflict.CurrentEtag);
        Assert.Contains(key.ToString(), conflict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstWriteOfAStateThatAlreadyExistsThrows()
    {
        var key = NewKey();
        await States.WriteAsync(Write(key, 0, """{"n":1}"""), default);

        await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(Write(key, 0, """{"n":"again"}"""), default));

        var stored = await States.ReadAsync(key, default);
        Assert.Equal(1, stored!.Version);
        AssertJson("""{"n":1}""", stored.Payload);
    }

    [Fact]
    public async Task WriteExpectingAVersionOfAStateThatDoesNotExistThrowsAndCreatesNothing()
    {
        var key = NewKey();

        await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(Write(key, 3, """{"n":1}"""), default));

        Assert.Null(await States.ReadAsync(key, default));
    }

    [Fact]
    public async Task ClearLeavesATombstoneAndTheVersionKeepsCounting()
    {
        var key = NewKey();
        await States.WriteAsync(Write(key, 0, """{"n":1}"""), default);

        var cleared = await States.WriteAsync(Write(key, 1, null), default);

        Assert.Equal(2, cleared);
        var tombstone = await States.ReadAsync(key, default);
        Assert.NotNull(tombstone);
        Assert.Null(tombstone.Payload);
        Assert.False(tombstone.RecordExists);
        Assert.Equal(2, tombstone.Version);

        // A stale activation that still believes no record exists must not resurrect the state.
        await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(Write(key, 0, """{"n":"zombie"}"""), default));

        Assert.Equal(3, await States.WriteAsync(Write(key, 2, """{"n":3}"""), default));
        var stored = await States.ReadAsync(key, default);
        Assert.Equal(3, stored!.Version);
        AssertJson("""{"n":3}""", stored.Payload);
    }

    [Fact]
    public async Task StatesOfDifferentNamesAndGrainsAreIndependent()
    {
        var grain = NewGrain();
        var profile = new GrainStateKey(grain, "profile");
        var hours = new GrainStateKey(grain, "hours");
        var otherGrain = new GrainStateKey(GrainId.Create(GrainType.Create("location"), grain.Key), "profile");

        await States.WriteAsync(Write(profile, 0, """{"s":"profile"}"""), default);
        await States.WriteAsync(Write(profile, 1, """{"s":"profile2"}"""), default);
        await States.WriteAsync(Write(hours, 0, """{"s":"hours"}"""), default);

        Assert.Equal(2, (await States.ReadAsync(profile, default))!.Version);
        Assert.Equal(1, (await States.ReadAsync(hours, default))!.Version);
        Assert.Null(await States.ReadAsync(otherGrain, default));
    }

    [Fact]
    public async Task KeysWithSlashesAndNonAsciiTextRoundTrip()
    {
        var key = new GrainStateKey(GrainId.Create("client", "acme/ünïcödé/ä@example.com"), "state/with/slashes");

        await States.WriteAsync(Write(key, 0, """{"name":"Zoë – 東京","emoji":"🗓️"}"""), default);

        var stored = await States.ReadAsync(key, default);
        AssertJson("""{"name":"Zoë – 東京","emoji":"🗓️"}""", stored!.Payload);
        Assert.Null(await States.ReadAsync(new GrainStateKey(GrainId.Create("client", "acme/unicode/a@example.com"), "state/with/slashes"), default));
    }

    // ---- what commits with a state write ----

    [Fact]
    public async Task OutboxMessagesCommitWithTheirStateWrite()
    {
        var key = NewKey();
        var first = Message("appointments", T0);
        var second = Message("appointments", T0);

        await States.WriteAsync(Write(key, 0, """{"n":1}""", first, second), default);

        var read = await ReadQueueAsync(0);
        Assert.Equal([first.EventId, second.EventId], read.Select(r => r.Message.EventId));
        Assert.True(read[0].Sequence < read[1].Sequence);
        AssertSameMessage(first, read[0].Message);
        AssertSameMessage(second, read[1].Message);
    }

    [Fact]
    public async Task AWriteThatKeepsThePayloadMovesOnlyTheVersionWithItsEvents()
    {
        var key = NewKey();
        await States.WriteAsync(Write(key, 0, """{"n":1}"""), default);
        var message = Message("s", T0);

        var version = await States.WriteAsync(Write(key, 1, null, message) with { KeepPayload = true }, default);

        Assert.Equal(2, version);
        var stored = await States.ReadAsync(key, default);
        Assert.Equal(2, stored!.Version);
        AssertJson("""{"n":1}""", stored.Payload);
        Assert.Equal([message.EventId], (await ReadQueueAsync(0)).Select(r => r.Message.EventId));
        await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(Write(key, 1, null) with { KeepPayload = true }, default));
        await Assert.ThrowsAsync<ArgumentException>(() => States.WriteAsync(Write(NewKey(), 0, null) with { KeepPayload = true }, default));
    }

    [Fact]
    public async Task OutboxMessagesOfAFailedWriteAreNotStored()
    {
        var key = NewKey();
        await States.WriteAsync(Write(key, 0, """{"n":1}"""), default);
        await States.WriteAsync(Write(key, 1, """{"n":2}"""), default);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => States.WriteAsync(Write(key, 1, """{"n":"stale"}""", Message("s", T0), Message("s", T0)), default));

        Assert.Empty(await ReadQueueAsync(0));
        Assert.Equal(0, (await Outbox.GetStatsAsync(T0, default)).Pending);
    }

    [Fact]
    public async Task WriteWhoseOutboxInsertFailsLeavesTheStateUnchanged()
    {
        var key = NewKey();
        await States.WriteAsync(Write(key, 0, """{"n":1}"""), default);
        var published = Message("s", T0);
        await Outbox.AppendAsync([published], default);

        // The second message repeats an event id the outbox already holds: the whole write must fail.
        var fresh = Message("s", T0);
        var duplicate = new OutboxMessage(published.EventId, published.StreamNamespace, published.StreamKey, published.Queue, published.PayloadType, Utf8("""{"dup":true}"""), published.CreatedAt);
        await Assert.ThrowsAnyAsync<Exception>(() => States.WriteAsync(Write(key, 1, """{"n":2}""", fresh, duplicate), default));

        var stored = await States.ReadAsync(key, default);
        Assert.Equal(1, stored!.Version);
        AssertJson("""{"n":1}""", stored.Payload);
        var only = Assert.Single(await ReadQueueAsync(0));
        AssertSameMessage(published, only.Message);
    }

    [Fact]
    public async Task AttachmentsCommitWithTheirStateWrite()
    {
        var key = NewKey();

        await States.WriteAsync(Write(key, 0, """{"n":1}""") with { Attachments = [new NoteAttachment("n1", "hello"), new NoteAttachment("n2", "world")] }, default);

        Assert.Equal([("n1", "hello"), ("n2", "world")], await NotesAsync());
        Assert.Equal(1, (await States.ReadAsync(key, default))!.Version);
    }

    [Fact]
    public async Task AWriteWhoseAttachmentIsRefusedStoresNothingOfItsStateEventsRemindersOrOtherAttachments()
    {
        var key = NewKey();
        await States.WriteAsync(Write(key, 0, """{"n":1}"""), default);

        await Assert.ThrowsAnyAsync<Exception>(() => States.WriteAsync(
            Write(key, 1, """{"n":2}""", Message("s", T0)) with
            {
                Attachments = [new NoteAttachment("n1", "fine"), new ReminderChange(key.GrainId, "r", T0), new NoteAttachment("n2", "forbidden")],
            },
            default));

        var stored = await States.ReadAsync(key, default);
        Assert.Equal(1, stored!.Version);
        AssertJson("""{"n":1}""", stored.Payload);
        Assert.Empty(await NotesAsync());
        Assert.Null(await Reminders.ReadAsync(key.GrainId, "r", default));
        Assert.Equal(0, (await Outbox.GetStatsAsync(T0, default)).Pending);
        Assert.Empty(await ReadQueueAsync(0));
    }

    [Fact]
    public async Task AStaleWriteWhoseAttachmentWouldAlsoFailIsReportedAsAVersionConflict()
    {
        // A stale activation computes its domain rows from stale state; the conflict is what it must see, so it reloads.
        var key = NewKey();
        await States.WriteAsync(Write(key, 0, """{"n":1}"""), default);
        await States.WriteAsync(Write(key, 1, """{"n":2}"""), default);

        await Assert.ThrowsAsync<InconsistentStateException>(
            () => States.WriteAsync(Write(key, 1, """{"n":3}""", Message("s", T0)) with { Attachments = [new NoteAttachment("n1", "forbidden")] }, default));

        Assert.Equal(2, (await States.ReadAsync(key, default))!.Version);
        Assert.Empty(await NotesAsync());
    }

    [Fact]
    public async Task AnAttachmentWithoutAWriterFailsTheWriteBeforeAnythingIsWritten()
    {
        var key = NewKey();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => States.WriteAsync(Write(key, 0, """{"n":1}""", Message("s", T0)) with { Attachments = [new UnwrittenAttachment()] }, default));

        Assert.Contains(nameof(UnwrittenAttachment), error.Message, StringComparison.Ordinal);
        Assert.Null(await States.ReadAsync(key, default));
        Assert.Equal(0, (await Outbox.GetStatsAsync(T0, default)).Pending);
    }

    // ---- the outbox as the queues of the stream provider ----

    [Fact]
    public async Task AReadReturnsTheMessagesOfItsQueueInOrderUpToTheLimit()
    {
        var messages = Enumerable.Range(0, 3).Select(_ => Message("s", T0)).ToArray();
        var other = Message("s", T0, queue: 5);
        await Outbox.AppendAsync([messages[0], other, messages[1]], default);
        await Outbox.AppendAsync([messages[2]], default);
        await Store.WaitForOutboxHorizonAsync();

        var firstTwo = await Outbox.ReadAsync(0, OutboxCursor.Start, 2, default);
        var all = await Outbox.ReadAsync(0, OutboxCursor.Start, 10, default);
        var ofQueue5 = await Outbox.ReadAsync(5, OutboxCursor.Start, 10, default);

        Assert.Equal(messages.Take(2).Select(m => m.EventId), firstTwo.Select(r => r.Message.EventId));
        Assert.Equal(messages.Select(m => m.EventId), all.Select(r => r.Message.EventId));
        Assert.Equal([other.EventId], ofQueue5.Select(r => r.Message.EventId));
        AssertSameMessage(other, ofQueue5[0].Message);
        Assert.Empty(await Outbox.ReadAsync(1, OutboxCursor.Start, 10, default));
        Assert.Empty(await Outbox.ReadAsync(0, OutboxCursor.Start, 0, default));
    }

    [Fact]
    public async Task AReadAfterACursorReturnsOnlyTheRowsAfterIt()
    {
        var messages = Enumerable.Range(0, 4).Select(_ => Message("s", T0)).ToArray();
        await Outbox.AppendAsync(messages[..2], default);
        await Outbox.AppendAsync(messages[2..], default);
        var all = await ReadQueueAsync(0);

        var afterFirst = await Outbox.ReadAsync(0, all[0].Position, 10, default);
        var afterThird = await Outbox.ReadAsync(0, all[2].Position, 10, default);
        var afterLast = await Outbox.ReadAsync(0, all[3].Position, 10, default);

        Assert.Equal(messages.Skip(1).Select(m => m.EventId), afterFirst.Select(r => r.Message.EventId));
        Assert.Equal([messages[3].EventId], afterThird.Select(r => r.Message.EventId));
        Assert.Empty(afterLast);

        // A row appended later comes after the cursor of every row read before it.
        var later = Message("s", T0);
        await Outbox.AppendAsync([later], default);
        await Store.WaitForOutboxHorizonAsync();
        Assert.Equal([later.EventId], (await Outbox.ReadAsync(0, all[3].Position, 10, default)).Select(r => r.Message.EventId));
    }

    [Fact]
    public async Task ReadingLeavesTheMessagesInTheQueueForAReceiverThatTakesItOver()
    {
        var messages = new[] { Message("s", T0), Message("s", T0) };
        await Outbox.AppendAsync(messages, default);

        var first = await ReadQueueAsync(0);
        var again = await ReadQueueAsync(0);

        Assert.Equal(first.Select(r => (r.Position, r.Message.EventId)), again.Select(r => (r.Position, r.Message.EventId)));
        Assert.Equal(2, (await Outbox.GetStatsAsync(T0, default)).Pending);
    }

    [Fact]
    public async Task CompletedMessagesAreNeverReadAgain()
    {
        var messages = Enumerable.Range(0, 3).Select(_ => Message("s", T0)).ToArray();
        await Outbox.AppendAsync(messages, default);
        var read = await ReadQueueAsync(0);

        await Outbox.CompleteAsync([read[0].Sequence, read[2].Sequence], default);
        await Outbox.CompleteAsync([], default);

        Assert.Equal([read[1].Sequence], (await ReadQueueAsync(0)).Select(r => r.Sequence));
        Assert.Equal(1, (await Outbox.GetStatsAsync(T0, default)).Pending);

        // Completing again (a receiver that took the queue over delivered it once more) changes nothing.
        await Outbox.CompleteAsync([read[0].Sequence], default);
        Assert.Equal([read[1].Sequence], (await ReadQueueAsync(0)).Select(r => r.Sequence));
    }

    [Fact]
    public async Task DeliveredMessagesLeaveTheOutboxAndOnlyIdsStillInItAreRefused()
    {
        var (delivered, pending) = (Message("s", T0), Message("s", T0));
        await Outbox.AppendAsync([delivered, pending], default);
        var read = await ReadQueueAsync(0);

        await Outbox.CompleteAsync([read[0].Sequence], default);

        Assert.Equal(1, (await Outbox.GetStatsAsync(T0, default)).Pending);
        await Assert.ThrowsAnyAsync<Exception>(() => Outbox.AppendAsync([pending], default));
        await Outbox.AppendAsync([delivered with { CreatedAt = T0.AddSeconds(20) }], default);
        var left = await ReadQueueAsync(0);
        Assert.Equal([pending.EventId, delivered.EventId], left.Select(r => r.Message.EventId));
        Assert.Equal(T0.AddSeconds(20), left[1].Message.CreatedAt);
    }

    [Fact]
    public async Task AMessageThatCarriesItsItemReadsBackWithItsSerializedPayload()
    {
        var item = new JsonObject { ["id"] = 42, ["seats"] = 2 };
        var message = OutboxMessage.ForItem(Guid.NewGuid(), "appointments", "company-1", 3, "AppointmentCreated", item, () => Utf8(item.ToJsonString()), T0);

        await States.WriteAsync(Write(NewKey(), 0, """{"n":1}""", message), default);

        var read = Assert.Single(await ReadQueueAsync(3));
        AssertSameMessage(message, read.Message);
    }

    [Fact]
    public async Task StatsCountUndeliveredMessagesTheAgeOfTheOldestAndTheDeadLetters()
    {
        Assert.Equal(new OutboxStats(0, TimeSpan.Zero, 0), await Outbox.GetStatsAsync(T0, default));
        await Outbox.AppendAsync([Message("s", T0), Message("s", T0.AddSeconds(10)), Message("s", T0.AddSeconds(20), queue: 1)], default);

        Assert.Equal(new OutboxStats(3, TimeSpan.FromSeconds(60), 0), await Outbox.GetStatsAsync(T0.AddSeconds(60), default));

        // Reading delivers nothing: the messages stay pending until completed.
        var read = await ReadQueueAsync(0);
        Assert.Equal(new OutboxStats(3, TimeSpan.FromSeconds(60), 0), await Outbox.GetStatsAsync(T0.AddSeconds(60), default));

        await Outbox.CompleteAsync([read[0].Sequence], default);
        Assert.Equal(new OutboxStats(2, TimeSpan.FromSeconds(50), 0), await Outbox.GetStatsAsync(T0.AddSeconds(60), default));

        await Outbox.DeadLetterAsync(read[1].Sequence, "receiver threw", T0.AddSeconds(30), default);
        Assert.Equal(new OutboxStats(1, TimeSpan.FromSeconds(40), 1), await Outbox.GetStatsAsync(T0.AddSeconds(60), default));

        // A clock behind the oldest message gives no negative age.
        Assert.Equal(new OutboxStats(1, TimeSpan.Zero, 1), await Outbox.GetStatsAsync(T0, default));
    }

    [Fact]
    public async Task TheOldestAgeIsThatOfTheOldestMessageWhateverItsPlaceInItsQueue()
    {
        // Events are stamped when raised, and sequenced when their write commits: a turn that raised its event
        // earlier may commit later.
        await Outbox.AppendAsync([Message("s", T0.AddSeconds(10))], default);
        await Outbox.AppendAsync([Message("s", T0)], default);

        Assert.Equal(new OutboxStats(2, TimeSpan.FromSeconds(60), 0), await Outbox.GetStatsAsync(T0.AddSeconds(60), default));
    }

    [Fact]
    public async Task DeadLetteringMovesAMessageOutOfItsQueueWithTheReason()
    {
        var messages = new[] { Message("s", T0, queue: 2), Message("t", T0, queue: 2), Message("u", T0, queue: 2) };
        await Outbox.AppendAsync(messages, default);
        var read = await ReadQueueAsync(2);

        await Outbox.DeadLetterAsync(read[1].Sequence, "subscriber threw InvalidOperationException", T0.AddMinutes(1), default);

        Assert.Equal([messages[0].EventId, messages[2].EventId], (await ReadQueueAsync(2)).Select(r => r.Message.EventId));
        var letter = Assert.Single(await Outbox.ReadDeadLettersAsync(10, default));
        Assert.Equal(read[1].Sequence, letter.Sequence);
        Assert.Equal(T0.AddMinutes(1), letter.FailedAt);
        Assert.Equal("subscriber threw InvalidOperationException", letter.Reason);
        AssertSameMessage(messages[1], letter.Message);
        Assert.Equal(new OutboxStats(2, TimeSpan.FromMinutes(2), 1), await Outbox.GetStatsAsync(T0.AddMinutes(2), default));
    }

    [Fact]
    public async Task DeadLetteringIsIdempotentAndLeavesADeliveredMessageAlone()
    {
        var (failed, delivered) = (Message("s", T0), Message("s", T0));
        await Outbox.AppendAsync([failed, delivered], default);
        var read = await ReadQueueAsync(0);
        await Outbox.DeadLetterAsync(read[0].Sequence, "first failure", T0.AddMinutes(1), default);
        await Outbox.CompleteAsync([read[1].Sequence], default);

        // A receiver that took the queue over fails the same message again, and dead-letters one it had delivered.
        await Outbox.DeadLetterAsync(read[0].Sequence, "second failure", T0.AddMinutes(2), default);
        await Outbox.DeadLetterAsync(read[1].Sequence, "late failure", T0.AddMinutes(2), default);
        await Outbox.DeadLetterAsync(read[1].Sequence + 1000, "never existed", T0.AddMinutes(2), default);

        var letter = Assert.Single(await Outbox.ReadDeadLettersAsync(10, default));
        Assert.Equal((read[0].Sequence, "first failure", T0.AddMinutes(1)), (letter.Sequence, letter.Reason, letter.FailedAt));
        Assert.Equal(new OutboxStats(0, TimeSpan.Zero, 1), await Outbox.GetStatsAsync(T0, default));
        Assert.Empty(await ReadQueueAsync(0));
    }

    [Fact]
    public async Task DeadLettersAreListedNewestFirstUpToTheLimit()
    {
        var messages = Enumerable.Range(0, 3).Select(_ => Message("s", T0)).ToArray();
        await Outbox.AppendAsync(messages, default);
        var read = await ReadQueueAsync(0);
        for (var i = 0; i < read.Count; i++)
        {
            await Outbox.DeadLetterAsync(read[i].Sequence, $"failure {i}", T0.AddMinutes(i), default);
        }

        var newest = await Outbox.ReadDeadLettersAsync(2, default);

        Assert.Equal([messages[2].EventId, messages[1].EventId], newest.Select(d => d.Message.EventId));
        Assert.Equal(["failure 2", "failure 1"], newest.Select(d => d.Reason));
        Assert.Equal(3, (await Outbox.GetStatsAsync(T0, default)).DeadLetters);
    }

    [Fact]
    public async Task AnEventPublishedAgainAfterItWasDeadLetteredIsKeptAsADeadLetterAgainWhenItFailsAgain()
    {
        // The outbox refuses only ids still in it: an event that was dead-lettered can be published again. Failing
        // again, it must land among the dead letters again, not vanish: dead letters are never silently purged.
        var message = Message("s", T0);
        await Outbox.AppendAsync([message], default);
        var first = Assert.Single(await ReadQueueAsync(0));
        await Outbox.DeadLetterAsync(first.Sequence, "first failure", T0.AddMinutes(1), default);

        await Outbox.AppendAsync([message with { CreatedAt = T0.AddMinutes(5) }], default);
        var second = Assert.Single(await ReadQueueAsync(0));
        await Outbox.DeadLetterAsync(second.Sequence, "second failure", T0.AddMinutes(6), default);

        Assert.Equal(["second failure", "first failure"], (await Outbox.ReadDeadLettersAsync(10, default)).Select(d => d.Reason));
        Assert.Equal(new OutboxStats(0, TimeSpan.Zero, 2), await Outbox.GetStatsAsync(T0.AddMinutes(10), default));
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

        await States.WriteAsync(
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
        await Assert.ThrowsAsync<InconsistentStateException>(() => States.WriteAsync(
            Write(key, 0, """{"n":"stale"}""") with { Attachments = [new ReminderChange(grain, "new", null), new ReminderChange(grain, "stale", T0)] },
            default));
        Assert.Equal(["moved", "new"], (await Reminders.ReadAllAsync(grain, default)).Select(e => e.Name));
    }

    [Fact]
    public async Task AReminderChangeOfAWriteThatKeepsThePayloadCommitsWithIt()
    {
        var key = NewKey();
        await States.WriteAsync(Write(key, 0, """{"n":1}"""), default);

        await States.WriteAsync(Write(key, 1, null) with { KeepPayload = true, Attachments = [new ReminderChange(key.GrainId, "r", T0)] }, default);

        Assert.Equal(T0, (await Reminders.ReadAsync(key.GrainId, "r", default))?.DueAt);
        AssertJson("""{"n":1}""", (await States.ReadAsync(key, default))!.Payload);
    }

    [Fact]
    public async Task SeveralChangesOfOneReminderInAWriteLeaveTheLastOne()
    {
        var key = NewKey();
        var grain = key.GrainId;
        await Reminders.UpsertAsync(grain, "back", T0, TimeSpan.Zero, default);

        // Registered then removed, removed then registered again, moved twice: as if applied one after another.
        await States.WriteAsync(
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

    protected static GrainId NewGrain() => GrainId.Create("calendar", Guid.NewGuid().ToString("N"));

    protected static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    protected static GrainStateWrite Write(GrainStateKey key, long expectedVersion, string? json, params OutboxMessage[] outbox) =>
        new(key, expectedVersion, json is null ? null : Utf8(json), outbox, []);

    protected static OutboxMessage Message(string streamKey, DateTimeOffset createdAt, int queue = 0)
    {
        var id = Guid.NewGuid();
        return new OutboxMessage(id, "appointments", streamKey, queue, "AppointmentCreated", Utf8($$"""{"id":"{{id}}","seats":2}"""), createdAt);
    }

    /// <summary>Everything committed so far in <paramref name="queue"/>, from the start, as a receiver reads it.</summary>
    protected async Task<IReadOnlyList<OutboxRecord>> ReadQueueAsync(int queue)
    {
        await Store.WaitForOutboxHorizonAsync();
        return await Outbox.ReadAsync(queue, OutboxCursor.Start, 1_000, default);
    }

    /// <summary>The notes the writes' attachments stored, by id.</summary>
    protected async Task<List<(string Id, string Text)>> NotesAsync() =>
        [.. (await Store.ReadNotesAsync()).OrderBy(n => n.Key, StringComparer.Ordinal).Select(n => (n.Key, n.Value))];

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
        Assert.Equal(expected.Queue, actual.Queue);
        Assert.Equal(expected.PayloadType, actual.PayloadType);
        Assert.Equal(expected.CreatedAt, actual.CreatedAt);
        AssertJson(Encoding.UTF8.GetString(expected.Payload), actual.Payload);
    }

    /// <summary>An attachment no store has a writer for.</summary>
    private sealed record UnwrittenAttachment : IStateWriteAttachment;
}
