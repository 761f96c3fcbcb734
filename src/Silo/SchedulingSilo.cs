using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Scheduling.Grains;
using Scheduling.Grains.Links;
using Scheduling.Grains.Notifications;
using Scheduling.Grains.Storage;
using Scheduling.Grains.Webhooks;
using Scheduling.Runtime.Hosting;
using Scheduling.Silo.Hosting;
using Scheduling.Silo.Telemetry;
using Scheduling.Silo.Webhooks;

namespace Scheduling.Silo;

/// <summary>The one composition entry point of a silo: grains, storage, runtime settings and telemetry, from configuration.</summary>
public static class SchedulingSilo
{
    /// <summary>
    /// Adds a silo to the host. <c>Storage:Provider</c> = <c>Memory</c> (default) or <c>Postgres</c>
    /// (<c>ConnectionStrings:Postgres</c>); <c>Runtime:*</c> binds <see cref="GrainRuntimeOptions"/>.
    /// </summary>
    public static TBuilder AddSchedulingSilo<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        var provider = configuration["Storage:Provider"] ?? "Memory";
        builder.Services.AddOptions<GrainRuntimeOptions>().Bind(configuration.GetSection(GrainRuntimeOptions.SectionName));
        builder.Services.AddGrainRuntime(runtime =>
        {
            runtime.AddGrains(typeof(GrainsAssembly).Assembly);
            switch (provider.ToLowerInvariant())
            {
                case "memory":
                    runtime.UseMemoryStorage();
                    builder.Services.AddMemoryDomainStores();
                    break;
                case "postgres":
                case "postgresql":
                    var connectionString = configuration.GetConnectionString("Postgres");
                    if (string.IsNullOrWhiteSpace(connectionString))
                    {
                        throw new InvalidOperationException("Storage:Provider is Postgres but ConnectionStrings:Postgres is not set.");
                    }

                    runtime.UsePostgresStorage(connectionString, o => o.MigrationAssemblies.Add(typeof(GrainsAssembly).Assembly));
                    builder.Services.AddPostgresDomainStores();
                    break;
                default:
                    throw new InvalidOperationException($"Storage:Provider '{provider}' is not known; use Memory or Postgres.");
            }
        });
        builder.Services.AddNotifications(configuration);
        builder.Services.AddWebhookTargets(configuration);
        builder.Services.AddWebhookDelivery();
        builder.Services.AddOptions<SelfServiceLinkOptions>().Bind(configuration.GetSection(SelfServiceLinkOptions.SectionName));
        builder.Services.AddSingleton<AppointmentLinks>();
        builder.AddSchedulingTelemetry();
        builder.AddSiloHosting();
        return builder;
    }
}
