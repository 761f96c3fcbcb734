using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Scheduling.Grains.Storage;
using Scheduling.Silo.Reminders;

namespace Scheduling.ApiHost.Tests.Harness;

/// <summary>What tests drive on the silo of a host: stream delivery, one-shot reminders, activations.</summary>
public static class SiloTestExtensions
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Waits until the outbox stream provider has delivered every event committed so far (its pulling agents run on
    /// their own); returns how many were waiting. Fails the test when they are not delivered in time.
    /// </summary>
    public static async Task<int> DeliverStreamsAsync(this IServiceProvider services)
    {
        var outbox = services.GetRequiredService<IOutboxStore>();
        var waiting = (await outbox.GetStatsAsync(DateTimeOffset.UtcNow, CancellationToken.None)).Pending;
        var clock = Stopwatch.StartNew();
        while ((await outbox.GetStatsAsync(DateTimeOffset.UtcNow, CancellationToken.None)).Pending > 0)
        {
            if (clock.Elapsed > DeliveryTimeout)
            {
                throw new TimeoutException($"the outbox still held undelivered events after {DeliveryTimeout}");
            }

            await Task.Delay(10);
        }

        return (int)waiting;
    }

    /// <summary>Fires the due one-shot reminders once (on the host's clock); returns how many fired.</summary>
    public static Task<int> FireDueRemindersAsync(this IServiceProvider services) =>
        services.GetRequiredService<OneShotReminderService>().FireDueAsync();

    /// <summary>True when the grain has an activation in the cluster.</summary>
    public static async Task<bool> IsActiveAsync(this IServiceProvider services, GrainId grainId)
    {
        var management = services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        return (await management.GetActiveGrains(grainId.Type)).Contains(grainId);
    }
}

/// <summary>Grains that tests define in their own assembly.</summary>
public static class TestGrainAssemblies
{
    /// <summary>Makes the grain classes and interfaces of <paramref name="assembly"/> known to the host's silo.</summary>
    public static IServiceCollection AddGrainAssembly(this IServiceCollection services, System.Reflection.Assembly assembly) =>
        services.AddSerializer(serializer => serializer.AddAssembly(assembly));
}
