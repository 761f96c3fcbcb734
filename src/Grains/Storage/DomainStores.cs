using Microsoft.Extensions.DependencyInjection;
using Scheduling.Grains.Clients;
using Scheduling.Grains.Media;

namespace Scheduling.Grains.Storage;

/// <summary>
/// The domain's tables beside grain state (DESIGN §4: "grains or tables"), one implementation per
/// storage provider. PostgreSQL tables come from this assembly's Migrations/*.sql.
/// </summary>
public static class DomainStores
{
    public static IServiceCollection AddMemoryDomainStores(this IServiceCollection services)
    {
        services.AddSingleton<IMediaStore, MemoryMediaStore>();
        services.AddSingleton<IClientStore, MemoryClientStore>();
        return services;
    }

    public static IServiceCollection AddPostgresDomainStores(this IServiceCollection services)
    {
        services.AddSingleton<IMediaStore, PostgresMediaStore>();
        services.AddSingleton<IClientStore, PostgresClientStore>();
        return services;
    }
}
