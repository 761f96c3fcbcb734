using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Accounts;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.Contracts.Reminders;
using Scheduling.Grains.Notifications;
using Orleans;
using Orleans.Runtime;
using Scheduling.Grains.Storage;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Reminders;

/// <summary>
/// A host whose clock and background work the test drives: no workers, a manual clock (Saturday 2031-03-01 12:00 UTC,
/// two days before <see cref="Appointments.BookingTestData.Day"/>), and a notifier that keeps what it is given.
/// </summary>
public abstract class ReminderTestBase<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    /// <summary>10:00 at the shop (US/Pacific, GMT -08:00) on the booking day.</summary>
    protected static readonly DateTimeOffset TenOClock = new(2031, 3, 3, 18, 0, 0, TimeSpan.Zero);

    protected ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2031, 3, 1, 12, 0, 0, TimeSpan.Zero));

    protected CapturingNotifier Mail { get; } = new();

    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>
    {
        ["Workers:Enabled"] = "false",
        ["Links:PublicBaseUrl"] = "https://book.example.test",
        ["Webhooks:AllowPrivateTargets"] = "true",
    };

    /// <summary>While true, the notifier fails every message as a mail server that is down would.</summary>
    protected bool MailServerDown { get; set; }

    /// <summary>False to keep the host's own notifier (the SMTP tests).</summary>
    protected virtual bool CaptureMail => true;

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Clock);
        CommittedEvents.Install(services);
        if (CaptureMail)
        {
            services.AddSingleton<INotifier>(new SwitchedNotifier(this));
        }
    }

    /// <summary>Delivers stream events and fires due reminders until nothing is left to do.</summary>
    protected Task SettleAsync() => SettleAsync(Factory);

    protected static async Task SettleAsync(ApiHostFactory factory)
    {
        var silo = factory.Services;
        for (var pass = 0; pass < 20; pass++)
        {
            var delivered = await silo.DeliverStreamsAsync();
            var fired = await silo.FireDueRemindersAsync();
            if (delivered == 0 && fired == 0)
            {
                return;
            }
        }

        throw new InvalidOperationException("the silo kept finding work after 20 passes");
    }

    /// <summary>Moves the clock to <paramref name="instant"/> (forward only) and settles.</summary>
    protected async Task AdvanceToAsync(DateTimeOffset instant)
    {
        Clock.Advance(instant - Clock.GetUtcNow());
        await SettleAsync();
    }

    protected Task<DateTimeOffset?> DueAtAsync(long appointmentId) =>
        Factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IAppointmentReminderGrain>(appointmentId).GetDueAtAsync();

    /// <summary>
    /// The reminder e-mails of one appointment (optionally to one address). By appointment: on PostgreSQL the suite's
    /// tests share a database, so reminders of an earlier test's appointments may fire during a later one.
    /// </summary>
    protected IReadOnlyList<EmailMessage> Reminders(long appointmentId, string? to = null) => Subjects("Reminder:", appointmentId, to);

    /// <summary>The e-mails of one appointment whose subject starts with <paramref name="prefix"/> (optionally to one address).</summary>
    protected IReadOnlyList<EmailMessage> Subjects(string prefix, long appointmentId, string? to = null) =>
        [.. Mail.Sent.Where(m => m.Subject.StartsWith(prefix, StringComparison.Ordinal)
            && Regex.IsMatch(m.TextBody, $@"Appointment: #{appointmentId}\b")
            && (to is null || string.Equals(m.To, to, StringComparison.OrdinalIgnoreCase)))];

    private sealed class SwitchedNotifier(ReminderTestBase<TStorage> test) : INotifier
    {
        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken) =>
            test.MailServerDown ? throw new IOException("421 mail server unavailable") : test.Mail.SendAsync(message, cancellationToken);
    }
}
