using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduling.Runtime.Storage;
using Scheduling.Runtime.Storage.Postgres;

namespace Scheduling.Runtime.Hosting;

/// <summary>Selects the PostgreSQL storage provider.</summary>
public static class PostgresStorageRegistration
{
    /// <summary>
    /// Stores grain state, the outbox and reminders in PostgreSQL, applies migrations at start-up (before any
    /// other hosted service starts) and listens for the changes other silos commit.
    /// </summary>
    public static GrainRuntimeBuilder UsePostgresStorage(this GrainRuntimeBuilder builder, string connectionString, Action<PostgresStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.SetStorageProvider("Postgres");

        var options = new PostgresStorageOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString, nameof(connectionString));

        var services = builder.Services;
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp =>
        {
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(options.ConnectionString);
            dataSourceBuilder.UseLoggerFactory(sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance);
            return dataSourceBuilder.Build();
        });
        services.TryAddSingleton<PostgresGrainStorage>();
        services.TryAddSingleton<IGrainStorage>(sp => sp.GetRequiredService<PostgresGrainStorage>());
        services.TryAddSingleton<IStorageHealth>(sp => sp.GetRequiredService<PostgresGrainStorage>());
        services.TryAddSingleton<IOutboxStore, PostgresOutboxStore>();
        services.TryAddSingleton<IReminderTable, PostgresReminderTable>();
        services.TryAddSingleton<IIdGenerator, PostgresIdGenerator>();

        // Hosted services start in registration order; at the front of the collection the migrations run
        // before every other hosted service, whichever registered first.
        if (!services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(PostgresMigrationRunner)))
        {
            services.Insert(0, ServiceDescriptor.Singleton<IHostedService, PostgresMigrationRunner>());
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgresChangeListener>());
        return builder;
    }
}
