using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Hosting;
using Orleans.Metadata;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Streams;
using Scheduling.Grains.Links;
using Scheduling.Grains.Notifications;
using Scheduling.Grains.Snapshots;
using Scheduling.Grains.Storage;
using Scheduling.Grains.Webhooks;
using Scheduling.Silo.Hosting;
using Scheduling.Silo.Cluster;
using Scheduling.Silo.Reminders;
using Scheduling.Silo.Streams;
using Scheduling.Silo.Telemetry;
using Scheduling.Silo.Webhooks;

namespace Scheduling.Silo;

/// <summary>The one composition entry point of a silo: Orleans, our storage and stream providers, workers and telemetry, from configuration.</summary>
public static class SchedulingSilo
{
    private static readonly string[] OrleansClockAreas =
    [
        TimeProviderNames.Grains,
        TimeProviderNames.Messaging,
        TimeProviderNames.SystemTimers,
        TimeProviderNames.Membership,
        TimeProviderNames.ActivationManagement,
        TimeProviderNames.GrainDirectory,
        Orleans.Reminders.ReminderTimeProviderNames.Reminders,
        StreamingTimeProviderNames.Streaming,
    ];

    /// <summary>
    /// Adds an Orleans silo to the host. <c>Storage:Provider</c> = <c>Memory</c> (default: localhost clustering, state,
    /// reminders and streams in memory) or <c>Postgres</c> (<c>ConnectionStrings:Postgres</c>: membership, state and
    /// reminders through Orleans' ADO.NET providers on the project's own schema). <c>Orleans:*</c> are Orleans' own keys
    /// (ClusterId, ServiceId, SiloName, Endpoints:SiloPort / GatewayPort / AdvertisedIPAddress); <c>Workers:*</c> bind
    /// <see cref="WorkerOptions"/>.
    /// </summary>
    public static TBuilder AddSchedulingSilo<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        var services = builder.Services;
        var provider = (configuration["Storage:Provider"] ?? "Memory").ToLowerInvariant();
        var postgres = provider switch
        {
            "memory" => null,
            "postgres" or "postgresql" => configuration.GetConnectionString("Postgres") is { Length: > 0 } connectionString
                ? connectionString
                : throw new InvalidOperationException("Storage:Provider is Postgres but ConnectionStrings:Postgres is not set."),
            _ => throw new InvalidOperationException($"Storage:Provider '{configuration["Storage:Provider"]}' is not known; use Memory or Postgres."),
        };

        services.AddOptions<WorkerOptions>().Bind(configuration.GetSection(WorkerOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);

        // Orleans' own clocks stay the system's even where the application's clock (the unkeyed TimeProvider) is replaced,
        // as tests replace it: membership, messaging time-outs, stream agents and reminders run on real time.
        foreach (var area in OrleansClockAreas)
        {
            services.AddKeyedSingleton(area, TimeProvider.System);
        }
        services.AddSingleton<GrainStateJson>();
        if (postgres is null)
        {
            services.AddMemoryDomainStores();
        }
        else
        {
            services.AddPostgresDomainStores(postgres);
        }

        // Ahead of Orleans' own provider, which works a grain interface's type out again on every GetGrain.
        services.Insert(0, ServiceDescriptor.Singleton<IGrainInterfaceTypeProvider, CachedGrainInterfaceTypes>());
        builder.UseOrleans(silo =>
        {
            var orleans = OrleansSettings.Read(configuration);
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = orleans.ClusterId;
                o.ServiceId = orleans.ServiceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = orleans.SiloName ?? o.SiloName);
            if (postgres is null)
            {
                silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, serviceId: orleans.ServiceId, clusterId: orleans.ClusterId);
                silo.UseInMemoryReminderService();
                // Plain grain state in the embedded store too: no storage grain to call per read and write.
                silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => sp.GetRequiredService<OutboxGrainStorage>());
            }
            else
            {
                silo.Configure<EndpointOptions>(o =>
                {
                    o.SiloPort = orleans.SiloPort;
                    o.GatewayPort = orleans.GatewayPort;
                    // Loopback unless configured: silos of one machine. A silo on a network (a container) advertises the
                    // address the others reach it at (docker-compose.yml gives each one a fixed address).
                    o.AdvertisedIPAddress = orleans.AdvertisedIPAddress ?? IPAddress.Loopback;
                    o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, orleans.SiloPort);
                    o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, orleans.GatewayPort);
                });
                // Orleans' providers share the stores' data source (they take a data source or a connection string, not
                // both): one connection pool per silo, its size the connection string's Maximum Pool Size, where a pool
                // each would multiply the connections PostgreSQL sees.
                silo.UseAdoNetClustering(o => o.Configure<NpgsqlDataSource>((options, dataSource) =>
                {
                    options.Invariant = "Npgsql";
                    options.DataSource = dataSource;
                }));
                silo.AddAdoNetGrainStorageAsDefault(o => o.Configure<NpgsqlDataSource>((options, dataSource) =>
                {
                    options.Invariant = "Npgsql";
                    options.DataSource = dataSource;
                }));
                silo.UseAdoNetReminderService(o => o.Configure<NpgsqlDataSource>((options, dataSource) =>
                {
                    options.Invariant = "Npgsql";
                    options.DataSource = dataSource;
                }));
            }

            // Plain JSON in storage, no .NET type names (Orleans' default writes Newtonsoft JSON with $type).
            silo.UseSystemTextJsonGrainStorageSerializer();
            silo.Services.Configure<SystemTextJsonGrainStorageSerializerOptions>(o => o.JsonSerializerOptions.IncludeFields = false);
            silo.Configure<ClusterMembershipOptions>(MembershipTuning.Apply);
            if (SchedulingTelemetry.TracingEnabled(configuration))
            {
                silo.AddActivityPropagation();
            }

            // The Orleans Dashboard's collectors, where Dashboard:Enabled is true: the worker silo (which also serves it,
            // OperatorDashboard) by default. On API hosts its per-call profiler took about a quarter of a memory booking's
            // server CPU (about 700 µs each with it, 500 without), so there it is opt-in and the
            // dashboard shows their silos and activations but not their method statistics. Live log streaming stays off,
            // since logs may carry personal data.
            if (configuration.GetValue("Dashboard:Enabled", false))
            {
                silo.AddDashboard(o => o.HideTrace = true);
            }

            // What we add to Orleans: grain state whose writes carry the turn's events, reminders and rows (each grain that
            // takes a GrainOutbox ends its turns through it, as its own call filter); the stream provider over the outbox
            // those events are written to.
            silo.Services.AddSingleton<OutboxGrainStorage>();
            silo.Services.AddGrainStorage(OutboxStorageNames.Outbox, (sp, _) => sp.GetRequiredService<OutboxGrainStorage>());
            silo.Services.AddScoped<GrainOutbox>();
            silo.Services.AddSingleton<LocalSnapshots>();
            silo.Services.AddSingleton<OutboxStreamTelemetry>();
            silo.Services.AddSingleton<OutboxCommits>();
            silo.Services.AddOptions<OutboxStreamOptions>().Bind(configuration.GetSection(OutboxStreamOptions.SectionName));
            silo.AddStreamFilter<WebhookEventFilter>(OutboxQueues.ProviderName);
            silo.AddPersistentStreams(OutboxQueues.ProviderName, OutboxQueueAdapterFactory.Create, stream =>
            {
                stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
                // An event is picked up within GetQueueMsgsTimerPeriod of its commit when its queue was idle; one that keeps
                // failing is dead-lettered after MaxEventDeliveryTime. Both can be set under Streams:PullingAgent.
                stream.ConfigurePullingAgent(o => o
                    .Configure(agent => agent.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(50))
                    .Bind(configuration.GetSection("Streams:PullingAgent")));
            });
        });

        services.AddSingleton<OneShotReminderService>();
        services.AddHostedService(sp => sp.GetRequiredService<OneShotReminderService>());
        services.AddNotifications(configuration);
        services.AddWebhookTargets(configuration);
        services.AddWebhookDelivery();
        services.AddOptions<SelfServiceLinkOptions>().Bind(configuration.GetSection(SelfServiceLinkOptions.SectionName));
        services.AddSingleton<AppointmentLinks>();
        builder.AddSchedulingTelemetry();
        builder.AddSiloHosting();
        return builder;
    }
}
