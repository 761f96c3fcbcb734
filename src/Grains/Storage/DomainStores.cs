using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Clients;
using Scheduling.Grains.Media;
using Scheduling.Grains.Webhooks;
using Scheduling.Runtime.Storage;

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
        services.AddSingleton<MemoryClientStore>();
        services.AddSingleton<IClientStore>(sp => sp.GetRequiredService<MemoryClientStore>());
        services.AddSingleton<IWebhookDeliveryStore, MemoryWebhookDeliveryStore>();

        // One table: the memory provider writes it with calendar state (attachment writer), the API reads it (store).
        services.AddSingleton<MemoryAppointmentTable>();
        services.AddSingleton<IAppointmentStore>(sp => sp.GetRequiredService<MemoryAppointmentTable>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IMemoryAttachmentWriter, MemoryAppointmentTable>(sp => sp.GetRequiredService<MemoryAppointmentTable>()));
        return services;
    }

    public static IServiceCollection AddPostgresDomainStores(this IServiceCollection services)
    {
        services.AddSingleton<IMediaStore, PostgresMediaStore>();
        services.AddSingleton<IClientStore, PostgresClientStore>();
        services.AddSingleton<IWebhookDeliveryStore, PostgresWebhookDeliveryStore>();
        services.AddSingleton<IAppointmentStore, PostgresAppointmentStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostgresAttachmentWriter, PostgresAppointmentWriter>());
        return services;
    }
}
