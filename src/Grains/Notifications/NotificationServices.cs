using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Scheduling.Grains.Notifications;

public static class NotificationServices
{
    /// <summary>
    /// Registers the one notifier: SMTP when <c>Notifications:Smtp:Host</c> is set, otherwise .eml files in
    /// <c>Notifications:Directory</c>; and what appointment e-mails are made of. Tests replace
    /// <see cref="INotifier"/> with their own double.
    /// </summary>
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(NotificationOptions.SectionName);
        services.AddOptions<NotificationOptions>().Bind(section);
        if (string.IsNullOrWhiteSpace(section["Smtp:Host"]))
        {
            services.AddSingleton<INotifier, FileNotifier>();
        }
        else
        {
            services.AddSingleton<INotifier, SmtpNotifier>();
        }

        services.AddSingleton<AppointmentDetailsReader>();
        return services;
    }
}
