using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Clients;
using Scheduling.Grains.Media;
using Scheduling.Grains.Storage.Memory;
using Scheduling.Grains.Storage.Postgres;
using Scheduling.Grains.Webhooks;

namespace Scheduling.Grains.Storage;

/// <summary>
/// What the silo keeps beside Orleans' own providers, one implementation per storage: the state store of the outbox
/// grain storage, the outbox, the one-shot reminder table, ids, and the domain's tables (DESIGN §4: "grains or
/// tables"). PostgreSQL tables come from this assembly's Migrations/*.sql.
/// </summary>
public static class DomainStores
{
    public static IServiceCollection AddMemoryDomainStores(this IServiceCollection services)
    {
        services.TryAddSingleton<MemoryStore>();
        services.TryAddSingleton<IStateStore>(sp => sp.GetRequiredService<MemoryStore>());
        services.TryAddSingleton<IOutboxStore>(sp => sp.GetRequiredService<MemoryStore>());
        services.TryAddSingleton<IOneShotReminderTable>(sp => sp.GetRequiredService<MemoryStore>());
        services.TryAddSingleton<IStorageHealth>(sp => sp.GetRequiredService<MemoryStore>());
        services.TryAddSingleton<IIdGenerator, MemoryIdGenerator>();

        services.AddSingleton<IMediaStore, MemoryMediaStore>();
        services.AddSingleton<MemoryClientStore>();
        services.AddSingleton<IClientStore>(sp => sp.GetRequiredService<MemoryClientStore>());
        services.AddSingleton<IWebhookDeliveryStore, MemoryWebhookDeliveryStore>();

        // One table: the memory store writes it with calendar state (attachment writer), the API reads it (store).
        services.AddSingleton<MemoryAppointmentTable>();
        services.AddSingleton<IAppointmentStore>(sp => sp.GetRequiredService<MemoryAppointmentTable>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMemoryAttachmentWriter, MemoryAppointmentTable>(sp => sp.GetRequiredService<MemoryAppointmentTable>()));
        return services;
    }

    /// <summary>
    /// The PostgreSQL stores on one data source, and the migrations that bring the schema up to date before any other
    /// hosted service (Orleans' silo included: its ADO.NET providers read the OrleansQuery table the migrations create).
    /// </summary>
    public static IServiceCollection AddPostgresDomainStores(this IServiceCollection services, string connectionString, Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new PostgresStorageOptions { ConnectionString = connectionString };
        options.MigrationAssemblies.Add(typeof(DomainStores).Assembly);
        configure?.Invoke(options);

        services.TryAddSingleton(options);
        services.TryAddSingleton(sp =>
        {
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            ApplyPoolDefaults(dataSourceBuilder.ConnectionStringBuilder, options.ConnectionString);
            dataSourceBuilder.UseLoggerFactory(sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance);
            return dataSourceBuilder.Build();
        });
        services.TryAddSingleton<PostgresGrainStorage>();
        services.TryAddSingleton<IStateStore>(sp => sp.GetRequiredService<PostgresGrainStorage>());
        services.TryAddSingleton<IStorageHealth>(sp => sp.GetRequiredService<PostgresGrainStorage>());
        services.TryAddSingleton<IOutboxStore, PostgresOutboxStore>();
        services.TryAddSingleton<IOneShotReminderTable, PostgresReminderTable>();
        services.TryAddSingleton<IIdGenerator, PostgresIdGenerator>();

        // Hosted services start in registration order; at the front of the collection the migrations run before every
        // other hosted service, whichever registered first.
        if (!services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(PostgresMigrationRunner)))
        {
            services.Insert(0, ServiceDescriptor.Singleton<IHostedService, PostgresMigrationRunner>());
        }

        services.AddSingleton<IMediaStore, PostgresMediaStore>();
        services.AddSingleton<IClientStore, PostgresClientStore>();
        services.AddSingleton<IWebhookDeliveryStore, PostgresWebhookDeliveryStore>();
        services.AddSingleton<IAppointmentStore, PostgresAppointmentStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostgresAttachmentWriter, PostgresAppointmentWriter>());
        return services;
    }

    /// <summary>
    /// Pool settings the stores rely on, unless the connection string sets them: sessions keep their prepared statements
    /// (no DISCARD ALL on every return to the pool), and up to 64 statements are prepared automatically.
    /// </summary>
    internal static void ApplyPoolDefaults(NpgsqlConnectionStringBuilder settings, string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>()
            .Select(key => key.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant())
            .ToHashSet();
        if (!given.Contains("NORESETONCLOSE"))
        {
            settings.NoResetOnClose = true;
        }

        if (!given.Contains("MAXAUTOPREPARE"))
        {
            settings.MaxAutoPrepare = 64;
        }
    }
}
