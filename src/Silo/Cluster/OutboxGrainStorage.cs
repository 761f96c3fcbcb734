using System.Globalization;
using System.Text.Json;
using Orleans.Storage;
using Scheduling.Grains.Storage;

namespace Scheduling.Silo.Cluster;

/// <summary>
/// The <see cref="OutboxStorageNames.Outbox"/> grain storage provider: Orleans' <see cref="IGrainStorage"/> over the
/// project's <see cref="IStateStore"/>. A write carries what the activation queued in its <see cref="GrainOutbox"/>
/// during the turn (events, one-shot reminders, domain rows such as appointment rows) into the same transaction as the
/// state's version, and the PostgreSQL store group-commits many grains' writes in one transaction (Orleans' own ADO.NET
/// storage makes a round trip per write and cannot carry rows of ours). State is plain JSON, versions are the ETag.
/// </summary>
public sealed class OutboxGrainStorage(IStateStore store, IGrainContextAccessor activations, GrainStateJson json, OutboxCommits commits) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var stored = await store.ReadAsync(new GrainStateKey(grainId, stateName), CancellationToken.None);
        grainState.RecordExists = stored?.Payload is not null;
        grainState.ETag = stored is null ? null : stored.Version.ToString(CultureInfo.InvariantCulture);
        grainState.State = stored?.Payload is { } payload
            ? JsonSerializer.Deserialize<T>(payload, json.Options) ?? Activator.CreateInstance<T>()
            : Activator.CreateInstance<T>();
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        return WriteAsync(stateName, grainId, grainState, clear: false);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        return WriteAsync(stateName, grainId, grainState, clear: true);
    }

    private async Task WriteAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, bool clear)
    {
        // Called in the grain's turn: the current activation is the one whose outbox commits with this write.
        var activation = activations.GrainContext;
        var outbox = activation?.GrainId == grainId ? GrainOutbox.Of(activation) : null;
        var (messages, attachments, keepStoredState) = outbox?.TakePending() ?? ([], [], false);
        var expected = grainState.ETag is null ? 0 : long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        var keepPayload = keepStoredState && !clear && expected > 0;
        // A write that keeps the stored state does not serialize it (a calendar's booking would otherwise render its
        // whole profile and working hours to JSON for nothing).
        var write = new GrainStateWrite(
            new GrainStateKey(grainId, stateName),
            expected,
            clear || keepPayload ? null : JsonSerializer.SerializeToUtf8Bytes(grainState.State, json.Options),
            messages,
            attachments)
        {
            KeepPayload = keepPayload,
        };

        try
        {
            var version = await store.WriteAsync(write, CancellationToken.None);
            if (messages.Count > 0)
            {
                commits.Committed(messages);
            }

            grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = !clear;
            if (clear)
            {
                grainState.State = Activator.CreateInstance<T>();
            }
        }
        catch (InconsistentStateException)
        {
            // Orleans drops the activation itself: the next call reloads what is stored.
            throw;
        }
        catch when (activation is not null)
        {
            // Whether anything committed is unknown or known not to have: either way the state in memory cannot be
            // trusted, so the next call reloads it instead of writing it later without its events.
            activation.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "a state write failed"), CancellationToken.None);
            throw;
        }
    }
}
