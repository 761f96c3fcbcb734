using Microsoft.Extensions.Logging;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Reminders;
using Scheduling.Contracts.Webhooks;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Notifications;
using Orleans.Streams;
using Orleans.Streams.Core;
using Scheduling.Grains.Snapshots;
using Scheduling.Grains.Storage;
using Scheduling.Grains.Webhooks;

namespace Scheduling.Grains.Reminders;

/// <summary>
/// One appointment's e-mails and its reminder's firing (DESIGN §7). The calendar registers the reminder itself, in the
/// write of the change that books, moves, cancels or deletes the appointment (<see cref="AppointmentReminders"/>), so
/// this grain is not activated to plan it. Changes arrive from the stream in version order, and only those that may
/// send something (<see cref="Wants"/>): each one queues the e-mails it causes in the grain's state. Queued messages go
/// out in a reminder turn ("send", due at once), never in the stream's turn: a slow or failing mail server holds up
/// neither bookings nor the webhooks that read the same stream, and what was not sent is retried with backoff, also
/// after a restart. The reminder's firing re-reads the appointment, sends only if it still occupies the start the
/// reminder was set for, and publishes <c>appointment.reminder</c> (when a webhook may want it, <see cref="WebhookInterest"/>)
/// in the same commit that records it as sent.
/// </summary>
// One per appointment, the implicit subscriber of its stream (keyed alike). It leaves memory once a change or a
// firing is handled with nothing left to send, else after two idle minutes rather than the default collection age.
[GrainType(AppointmentReminders.GrainType)]
[CollectionAgeLimit(Minutes = 2)]
[ImplicitStreamSubscription(AppointmentEvent.NoticeStreamNamespace)]
public sealed partial class AppointmentReminderGrain(
    [PersistentState("appointment-reminder", OutboxStorageNames.Outbox)] IPersistentState<AppointmentReminderState> state,
    GrainOutbox outbox,
    IAppointmentStore appointments,
    AppointmentDetailsReader reader,
    INotifier notifier,
    IOneShotReminderTable reminders,
    LocalSnapshots snapshots,
    TimeProvider time,
    ILogger<AppointmentReminderGrain> logger)
    : Grain, IAppointmentReminderGrain, IRemindable, IStreamSubscriptionObserver, IAsyncObserver<AppointmentEvent>, IIncomingGrainCallFilter
{
    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) => outbox.EndTurnAsync(context);

    // The reminder's name before the calendar registered it; such a reminder's company and start are in the state.
    private const string LegacyRemindName = "remind";
    private const string SendName = "send";

    /// <summary>About a day of retries (1, 2, 4 ... minutes, at most an hour apart) before a message is given up.</summary>
    private const int MaxAttempts = 12;

    private long AppointmentId => this.GetPrimaryKeyLong();

    /// <summary>
    /// The changes this grain is handed: those that may send a message, as the change's notices (the account's switches
    /// and the employee's texts when it was made) say. Bookings of an account that sends no e-mail activate nothing.
    /// Events stored by earlier versions carry no notices and are all handed over. Its own <c>appointment.reminder</c>
    /// events are passed over.
    /// </summary>
    public static bool Wants(AppointmentEvent item)
    {
        if (item.Type == WebhookEvents.Reminder || item.Appointment.Start <= item.OccurredAt || Wanted(item) is not { Count: > 0 } wanted)
        {
            return false;
        }

        var hasClientEmail = item.Appointment.Values.GetText(AppointmentField.ClientEmail) is { Length: > 0 };
        return item.Notices is not { } notices || wanted.Exists(m => m.ToClient
            ? hasClientEmail && (notices.ClientEmails || m.Kind == "verification")
            : notices.ProviderEmails || notices.ProviderTexts);
    }

    /// <summary>The implicit subscription to this appointment's notice stream: resumed on every activation.</summary>
    public Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);
        return handleFactory.Create<AppointmentEvent>().ResumeAsync(this);
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    /// <summary>
    /// The appointment's changes as the stream delivers them, at least once and in order; de-duplicated by version, so a
    /// redelivered event sends nothing twice.
    /// </summary>
    public async Task OnNextAsync(AppointmentEvent item, StreamSequenceToken? token = null)
    {
        await ObserveAsync(item);
        LeaveWhenDone();
    }

    public async Task ObserveAsync(AppointmentEvent appointmentEvent)
    {
        var s = state.State;
        if (appointmentEvent.Type == WebhookEvents.Reminder || appointmentEvent.Appointment.Id != AppointmentId || appointmentEvent.Version <= s.Version)
        {
            return;
        }

        var now = time.GetUtcNow();
        var notices = appointmentEvent.Notices ?? await reader.NoticesAsync(appointmentEvent.Appointment);

        // An event stored by an earlier version carries no notices, and its calendar registered no reminder: plan it here.
        var reminderChanges = appointmentEvent.Notices is null && appointmentEvent.Type != WebhookEvents.Deleted
            ? AppointmentReminders.Changes(before: null, appointmentEvent.Appointment, notices.ReminderHours, now)
            : [];
        var messages = await MessagesForAsync(appointmentEvent, notices, now);
        if (messages.Count == 0 && reminderChanges.Count == 0)
        {
            // Nothing is stored: a redelivered event is decided again from the event itself.
            return;
        }

        s.Version = appointmentEvent.Version;
        reminderChanges.ForEach(outbox.Attach);
        if (messages.Count > 0)
        {
            s.Outgoing.AddRange(messages);
            outbox.RegisterReminder(SendName, now);
        }

        await state.WriteStateAsync();
    }

    public async Task<ReminderRecipients> SendNowAsync(long companyId, ReminderRecipients recipients)
    {
        var appointment = await appointments.GetAsync(companyId, AppointmentId, CancellationToken.None)
            ?? throw new NotFoundException($"appointment {AppointmentId} not found");
        var audience = await reader.AudienceAsync(appointment);
        var details = await reader.DetailsAsync(appointment);
        var messages = ReminderMessages(details, audience, recipients, automatic: false);
        state.State.Outgoing.AddRange(messages);
        await SendOutgoingAsync();
        return recipients;
    }

    public async Task<DateTimeOffset?> GetDueAtAsync()
    {
        var pending = (await reminders.ReadAllAsync(this.GetGrainId(), CancellationToken.None)).Where(r => r.Name != SendName).ToList();
        return pending.Count == 0 ? null : pending.Min(r => r.DueAt);
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await (reminderName switch
        {
            SendName => SendOutgoingAsync(),
            LegacyRemindName => FireAsync(state.State.CompanyId, state.State.Start, status),
            _ when AppointmentReminders.TryParse(reminderName, out var companyId, out var start) => FireAsync(companyId, start, status),
            _ => Task.CompletedTask,
        });
        LeaveWhenDone();
    }

    // Between an appointment's changes and its reminder there is usually a long wait, and the state is stored: with
    // nothing left to send the activation goes at once (a booking burst would otherwise keep one per appointment
    // in memory for the collection age). Messages waiting for a retry keep it until the age limit.
    private void LeaveWhenDone()
    {
        if (state.State.Outgoing.Count == 0)
        {
            DeactivateOnIdle();
        }
    }

    // The reminder of the company's appointment for <paramref name="start"/>.
    private async Task FireAsync(long companyId, DateTimeOffset? start, TickStatus status)
    {
        var s = state.State;
        var now = time.GetUtcNow();
        var appointment = companyId == 0 ? null : await appointments.GetAsync(companyId, AppointmentId, CancellationToken.None);
        var send = appointment is not null
            && AppointmentStatus.Upcoming.Contains(appointment.Status)
            && appointment.Start == start
            && appointment.Start > now
            && s.RemindedStart != appointment.Start;
        NotificationTelemetry.RecordReminderLag(now - status.FirstTickTime, send);
        if (!send)
        {
            // A firing for a time the appointment no longer has: the change that moved it set the right one.
            LogSkipped(logger, AppointmentId);
            return;
        }

        var audience = await reader.AudienceAsync(appointment!);
        var details = await reader.DetailsAsync(appointment!);
        s.Outgoing.AddRange(ReminderMessages(details, audience, ReminderRecipients.Both, automatic: true));
        s.RemindedStart = appointment!.Start;
        if (WebhookInterest.MayWant(snapshots, GrainFactory, appointment.CompanyId, WebhookEvents.Reminder))
        {
            outbox.Publish(
                StreamId.Create(AppointmentEvent.StreamNamespace, appointment.EmployeeId),
                new AppointmentEvent(WebhookEvents.Reminder, appointment.CompanyId, appointment, null, now));
        }

        await state.WriteStateAsync();
        await SendOutgoingAsync();
    }

    /// <summary>
    /// The reminder's messages. Automatic reminders respect the account's switches (client and provider e-mails);
    /// one asked for through the API goes to whom it names. The provider's side includes the SMS gateway when the
    /// employee receives SMS.
    /// </summary>
    private static List<OutgoingMessage> ReminderMessages(AppointmentDetails details, AppointmentAudience audience, ReminderRecipients recipients, bool automatic)
    {
        var messages = new List<OutgoingMessage>();
        if (recipients.HasFlag(ReminderRecipients.Client) && audience.ClientEmail.Length > 0 && (!automatic || audience.ClientEmails))
        {
            messages.Add(Outgoing("reminder", ReminderMail.ToClient(details, audience.ClientEmail)));
        }

        if (recipients.HasFlag(ReminderRecipients.Provider))
        {
            if (audience.ProviderEmail.Length > 0 && (!automatic || audience.ProviderEmails))
            {
                messages.Add(Outgoing("reminder", ReminderMail.ToProvider(details, audience.ProviderEmail)));
            }

            if (audience.SmsAddress is { } sms)
            {
                messages.Add(Outgoing("reminder-sms", AppointmentSms.Reminder(details, sms)));
            }
        }

        return messages;
    }

    /// <summary>
    /// The messages one change calls for, before anyone's switches: nothing for busy time or deletes; the
    /// status-change ones by the status before the change.
    /// </summary>
    private static List<(string Kind, bool ToClient, Func<AppointmentDetails, string, EmailMessage> Render)> Wanted(AppointmentEvent appointmentEvent)
    {
        var appointment = appointmentEvent.Appointment;
        var status = appointment.Status;
        var previousStatus = appointmentEvent.PreviousStatus;
        var upcoming = AppointmentStatus.Upcoming.Contains(status);
        var wanted = new List<(string Kind, bool ToClient, Func<AppointmentDetails, string, EmailMessage> Render)>();
        switch (appointmentEvent.Type)
        {
            case WebhookEvents.Created when upcoming:
                wanted.Add(status == AppointmentStatus.Unverified
                    ? ("verification", true, VerificationMail.Render)
                    : ("confirmation", true, BookingConfirmationMail.Render));
                wanted.Add(("new-booking", false, NewBookingMail.Render));
                break;
            case WebhookEvents.Updated when status == AppointmentStatus.Unverified && previousStatus is { } before && before != status:
                wanted.Add(("verification", true, VerificationMail.Render));
                break;
            case WebhookEvents.Updated when status == AppointmentStatus.Confirmed && previousStatus is AppointmentStatus.Unverified or AppointmentStatus.Unconfirmed:
                wanted.Add(("confirmation", true, BookingConfirmationMail.Render));
                break;
            case WebhookEvents.Rescheduled when upcoming:
                wanted.Add(("reschedule", true, RescheduleMail.Render));
                break;
            case WebhookEvents.Canceled:
                wanted.Add(appointment.Values.GetText(AppointmentField.Reason) is { Length: > 0 }
                    ? ("decline", true, DeclineMail.Render)
                    : ("cancellation", true, CancellationMail.Render));
                break;
        }

        return wanted;
    }

    /// <summary>The e-mails one change causes (nothing for appointments that already started).</summary>
    private async Task<List<OutgoingMessage>> MessagesForAsync(AppointmentEvent appointmentEvent, AppointmentNotices notices, DateTimeOffset now)
    {
        var appointment = appointmentEvent.Appointment;
        var wanted = Wanted(appointmentEvent);
        if (wanted.Count == 0 || appointment.Start <= now)
        {
            return [];
        }

        // Whom each wanted message goes to: the details (names, signed links) are gathered only when one goes out.
        var audience = await reader.AudienceAsync(appointment, notices);
        var outgoing = new List<(string Kind, string To, Func<AppointmentDetails, string, EmailMessage> Render)>();
        foreach (var (kind, toClient, render) in wanted)
        {
            if (toClient)
            {
                // Verification is how an unverified booking becomes real: it goes out even when client e-mails are off.
                if (audience.ClientEmail.Length > 0 && (audience.ClientEmails || kind == "verification"))
                {
                    outgoing.Add((kind, audience.ClientEmail, render));
                }
            }
            else
            {
                if (audience.ProviderEmail.Length > 0 && audience.ProviderEmails)
                {
                    outgoing.Add((kind, audience.ProviderEmail, render));
                }

                if (audience.SmsAddress is { } sms)
                {
                    outgoing.Add((kind + "-sms", sms, AppointmentSms.NewBooking));
                }
            }
        }

        if (outgoing.Count == 0)
        {
            return [];
        }

        var details = await reader.DetailsAsync(appointment, appointmentEvent.Previous);
        var messages = new List<OutgoingMessage>(outgoing.Count);
        foreach (var (kind, to, render) in outgoing)
        {
            messages.Add(Outgoing(kind, render(details, to)));
        }

        return messages;
    }

    /// <summary>
    /// Hands the queued messages to the notifier. Sent ones leave the queue; a failed one stays with its attempt
    /// counted and a "send" reminder comes back for it with backoff; one that cannot be sent at all (a malformed
    /// address) or failed too often is dropped with an error in the log.
    /// </summary>
    private async Task SendOutgoingAsync()
    {
        var s = state.State;
        if (s.Outgoing.Count == 0)
        {
            return;
        }

        var remaining = new List<OutgoingMessage>();
        foreach (var message in s.Outgoing)
        {
            try
            {
                await notifier.SendAsync(message.Message, CancellationToken.None);
                NotificationTelemetry.RecordNotification(message.Kind, "sent");
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException)
            {
                NotificationTelemetry.RecordNotification(message.Kind, "dropped");
                LogDropped(logger, ex, message.Kind, AppointmentId, message.Attempts + 1);
            }
            catch (Exception ex)
            {
                var attempts = message.Attempts + 1;
                if (attempts >= MaxAttempts)
                {
                    NotificationTelemetry.RecordNotification(message.Kind, "dropped");
                    LogDropped(logger, ex, message.Kind, AppointmentId, attempts);
                }
                else
                {
                    NotificationTelemetry.RecordNotification(message.Kind, "failed");
                    LogFailed(logger, ex, message.Kind, AppointmentId, attempts);
                    remaining.Add(message with { Attempts = attempts });
                }
            }
        }

        s.Outgoing = remaining;
        if (remaining.Count > 0)
        {
            var attempts = remaining.Min(m => m.Attempts);
            outbox.RegisterReminder(SendName, time.GetUtcNow() + TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, attempts - 1))));
        }

        await state.WriteStateAsync();
    }

    private static OutgoingMessage Outgoing(string kind, EmailMessage message) => new(Guid.NewGuid(), kind, message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reminder of appointment {AppointmentId} skipped: it no longer takes place at the time it was set for")]
    private static partial void LogSkipped(ILogger logger, long appointmentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Kind} message of appointment {AppointmentId} was not sent (attempt {Attempt}); it is retried")]
    private static partial void LogFailed(ILogger logger, Exception exception, string kind, long appointmentId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Kind} message of appointment {AppointmentId} is given up after attempt {Attempt}")]
    private static partial void LogDropped(ILogger logger, Exception exception, string kind, long appointmentId, int attempt);
}
