using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Scheduling.Silo.Tests.OrleansProviders;

/// <summary>
/// A real Orleans silo in this process, on the project's PostgreSQL schema through the ADO.NET providers:
/// membership (Clustering.AdoNet), grain state "Default" (Persistence.AdoNet, System.Text.Json payloads) and
/// reminders (Reminders.AdoNet). The wiring is the production one; only the reminder period is the tests'.
/// </summary>
public static class AdoNetSilo
{
    /// <summary>The ADO.NET invariant under which Orleans loads Npgsql's factory.</summary>
    public const string Invariant = "Npgsql";

    public static async Task<IHost> StartAsync(
        string connectionString,
        string clusterId,
        string serviceId,
        int siloPort,
        int gatewayPort,
        Action<ISiloBuilder>? configure = null)
    {
        var host = Host.CreateDefaultBuilder()
            .UseOrleans(silo =>
            {
                silo.Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = clusterId;
                    options.ServiceId = serviceId;
                });
                silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort);

                silo.UseAdoNetClustering(options =>
                {
                    options.Invariant = Invariant;
                    options.ConnectionString = connectionString;
                });
                silo.AddAdoNetGrainStorage("Default", options =>
                {
                    options.Invariant = Invariant;
                    options.ConnectionString = connectionString;
                });
                silo.UseSystemTextJsonGrainStorageSerializer();
                silo.UseAdoNetReminderService(options =>
                {
                    options.Invariant = Invariant;
                    options.ConnectionString = connectionString;
                });

                // Tests only: reminders may tick every second (the default minimum period is one minute). Membership
                // keeps its defaults: a join and a graceful leave reach the other silos by gossip within a second.
                silo.Configure<ReminderOptions>(options => options.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
                configure?.Invoke(silo);
            })
            // Not the appsettings.json that the referenced ApiHost/Silo projects copy next to the tests.
            .ConfigureAppConfiguration(configuration => configuration.Sources.Clear())
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await host.StartAsync(timeout.Token);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Stops gracefully (the silo leaves the cluster as Dead) and disposes.</summary>
    public static async Task StopAsync(IHost host)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await host.StopAsync(timeout.Token);
        }
        finally
        {
            host.Dispose();
        }
    }
}
