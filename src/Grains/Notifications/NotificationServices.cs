using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Scheduling.Grains.Notifications;

public static class NotificationServices
{
    /// <summary>
    /// Registers the notifier: .eml files in <c>Notifications:Directory</c> by default. A later SMTP sender
    /// is chosen here from configuration; tests replace <see cref="INotifier"/> with their own double.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection(NotificationOptions.SectionName));
        services.AddSingleton<INotifier, FileNotifier>();
        return services;
    }
}
