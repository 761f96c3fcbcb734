using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.Runtime.Storage;
using Scheduling.Runtime.Telemetry;

namespace Scheduling.Runtime.Activations;

/// <summary>What an activation needs from each of its states, whatever their type.</summary>
internal interface IActivationState
{
    string StateName { get; }

    long Version { get; }

    Task ReadStateAsync();
}

/// <summary>
/// A grain state held in memory by its activation and written through to storage conditionally on its
/// version; a write also commits everything the activation queued in its outbox.
/// </summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IActivationState
{
    private readonly ActivationData _activation;
    private readonly IGrainStorage _storage;
    private readonly JsonSerializerOptions _json;
    private readonly GrainStateKey _key;

    public PersistentState(ActivationData activation, string stateName)
    {
        _activation = activation;
        _storage = activation.Runtime.Services.GetRequiredService<IGrainStorage>();
        _json = activation.Runtime.Services.GetRequiredService<GrainStateJson>().Options;
        _key = new GrainStateKey(activation.GrainId, stateName);
        State = Activator.CreateInstance<TState>();
    }

    public TState State { get; set; }

    public string StateName => _key.StateName;

    public long Version { get; private set; }

    public string? Etag => Version == 0 ? null : Version.ToString(CultureInfo.InvariantCulture);

    public bool RecordExists { get; private set; }

    public async Task ReadStateAsync()
    {
        var started = _activation.Runtime.Time.GetTimestamp();
        var outcome = "ok";
        try
        {
            var stored = await _storage.ReadAsync(_key, CancellationToken.None);
            Version = stored?.Version ?? 0;
            RecordExists = stored?.Payload is not null;
            State = stored?.Payload is { } payload
                ? JsonSerializer.Deserialize<TState>(payload, _json) ?? Activator.CreateInstance<TState>()
                : Activator.CreateInstance<TState>();
        }
        catch
        {
            outcome = "error";
            throw;
        }
        finally
        {
            RuntimeTelemetry.RecordStorage(_storage.ProviderName, "read", outcome, _activation.Runtime.Time.GetElapsedTime(started));
        }
    }

    public Task WriteStateAsync() => WriteAsync(JsonSerializer.SerializeToUtf8Bytes(State, _json), clear: false);

    public Task CommitWithoutStateAsync() => RecordExists ? WriteAsync(null, clear: false, keepPayload: true) : WriteStateAsync();

    public Task ClearStateAsync() => WriteAsync(null, clear: true);

    private async Task WriteAsync(byte[]? payload, bool clear, bool keepPayload = false)
    {
        var (messages, attachments) = _activation.Outbox.TakePending();
        var write = new GrainStateWrite(_key, Version, payload, messages, attachments)
        {
            KeepPayload = keepPayload,
            OutboxLease = messages.Count > 0 ? _activation.Runtime.Deliveries.Lease() : null,
        };
        var started = _activation.Runtime.Time.GetTimestamp();
        var outcome = "ok";
        try
        {
            Version = await _storage.WriteAsync(write, CancellationToken.None);
            RecordExists = !clear;
            if (clear)
            {
                State = Activator.CreateInstance<TState>();
            }
        }
        catch (InconsistentStateException)
        {
            // The in-memory state is now ahead of or beside what is stored: reload on the next call.
            outcome = "conflict";
            RuntimeTelemetry.RecordConflict(_activation.GrainClass.GrainType);
            _activation.RequestDeactivation(DeactivationReason.InconsistentState);
            throw;
        }
        catch
        {
            // Whether anything committed is unknown or known not to have: either way the in-memory state
            // cannot be trusted, so the next call reloads it instead of writing it later without its events.
            outcome = "error";
            _activation.RequestDeactivation(DeactivationReason.WriteFailed);
            throw;
        }
        finally
        {
            RuntimeTelemetry.RecordStorage(_storage.ProviderName, "write", outcome, _activation.Runtime.Time.GetElapsedTime(started));
        }

        _activation.Runtime.Deliveries.Committed(messages, write.OutboxLease);
    }
}

/// <summary>The JSON settings grain state and stream payloads are stored with.</summary>
public sealed class GrainStateJson
{
    public JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        // Fields stay out; records and classes with properties round-trip.
        IncludeFields = false,
    };
}
