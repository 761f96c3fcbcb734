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
            ApplyPoolDefaults(dataSourceBuilder.ConnectionStringBuilder, options.ConnectionString);
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

    /// <summary>
    /// Pool settings for a workload of many short statements, unless the connection string sets them itself.
    /// <c>No Reset On Close</c>: a pooled connection keeps its session as it is handed on, instead of running
    /// DISCARD ALL, which would also drop its prepared statements. Nothing here leaves session state behind:
    /// settings are transaction-local (set_config(..., true)), advisory locks are transaction locks, and LISTEN
    /// runs on a connection of its own outside the pool. <c>Max Auto Prepare</c>: the statements run most often
    /// (the same few per booking) are prepared once per connection rather than parsed and planned every time.
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
