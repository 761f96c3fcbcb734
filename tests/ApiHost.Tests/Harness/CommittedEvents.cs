using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Tests.Harness;

/// <summary>
/// Every event a host's grains committed, in commit order, as stored (the outbox stream provider delivers and removes
/// them from the outbox on its own, so tests read what committed here instead). Installed by <see cref="Install"/>: the
/// host's state store is wrapped, and only writes that committed record their events.
/// </summary>
public sealed class CommittedEvents
{
    private readonly ConcurrentQueue<OutboxMessage> _messages = new();

    /// <summary>Wraps the state store the host registered; call from ConfigureServices (after the host's own registrations).</summary>
    public static void Install(IServiceCollection services)
    {
        var inner = services.Last(d => d.ServiceType == typeof(IStateStore));
        services.AddSingleton<CommittedEvents>();
        services.AddSingleton<IStateStore>(sp => new Recording(
            (IStateStore)(inner.ImplementationInstance ?? inner.ImplementationFactory!(sp)),
            sp.GetRequiredService<CommittedEvents>()));
    }

    /// <summary>The appointment events of one company, as their stored JSON, in commit order.</summary>
    public List<JsonElement> OfCompany(long companyId, JsonSerializerOptions json) =>
        [.. _messages
            .Where(m => m.StreamNamespace == "appointments")
            .Select(m => JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(StreamPayload.Read(m, json), json)).RootElement.Clone())
            .Where(e => e.GetProperty("CompanyId").GetInt64() == companyId)];

    private sealed class Recording(IStateStore inner, CommittedEvents events) : IStateStore
    {
        public string ProviderName => inner.ProviderName;

        public Task<StoredState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken) => inner.ReadAsync(key, cancellationToken);

        public async Task<long> WriteAsync(GrainStateWrite write, CancellationToken cancellationToken)
        {
            var version = await inner.WriteAsync(write, cancellationToken);
            foreach (var message in write.Outbox)
            {
                events._messages.Enqueue(message);
            }

            return version;
        }
    }
}
