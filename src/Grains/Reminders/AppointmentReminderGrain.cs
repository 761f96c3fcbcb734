using Microsoft.Extensions.Logging;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Reminders;
using Scheduling.Contracts.Webhooks;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Notifications;
using Scheduling.Runtime;
using Scheduling.Runtime.Streams;

namespace Scheduling.Grains.Reminders;

/// <summary>
/// One appointment's reminder and e-mails (DESIGN §7). Changes arrive from the stream in version order; each one
/// moves or removes the durable reminder (with the state write, in its transaction: a failed write is redone whole by
/// the redelivered event) and queues the e-mails it causes in the grain's state. Queued messages go out in a reminder
/// turn ("send", due at once), never in the stream's turn: a slow or failing mail server holds up neither
/// bookings nor the webhooks that read the same stream, and what was not sent is retried with backoff, also
/// after a restart. The reminder's firing re-reads the appointment, sends only if it still occupies that start,
/// and publishes <c>appointment.reminder</c> in the same commit that records it as sent.
/// </summary>
// One per appointment, the implicit subscriber of its stream (keyed alike). It leaves memory once a change or a
// firing is handled with nothing left to send, else after two idle minutes rather than the default collection age.
[CollectionAgeLimit(2)]
[ImplicitStreamSubscription(AppointmentEvent.StreamNamespace)]
public sealed partial class AppointmentReminderGrain(
    [PersistentState("appointment-reminder")] IPersistentState<AppointmentReminderState> state,
    IAppointmentStore appointments,
    AppointmentDetailsReader reader,
    INotifier notifier,
    TimeProvider time,
    ILogger<AppointmentReminderGrain> logger) : Grain, IAppointmentReminderGrain, IRemindable, IAsyncObserver<AppointmentEvent>
{
    private const string RemindName = "remind";
    private const string SendName = "send";

    /// <summary>About a day of retries (1, 2, 4 ... minutes, at most an hour apart) before a message is given up.</summary>
    private const int MaxAttempts = 12;

    private long AppointmentId => this.GetPrimaryKeyLong();

    /// <summary>
    /// The appointment's changes as the stream delivers them, at least once and in order; de-duplicated by version, so a
    /// redelivered event changes nothing and sends nothing twice. Its own <c>appointment.reminder</c> events are passed over.
    /// </summary>
    public async Task OnNextAsync(AppointmentEvent item, StreamSequenceToken? token = null)
    {
        await ObserveAsync(item);
        LeaveWhenDone();
    }

    public async Task ObserveAsync(AppointmentEvent appointmentEvent)
    {
        var s = state.State;
        var appointment = appointmentEvent.Appointment;
        if (appointmentEvent.Type == WebhookEvents.Reminder || appointment.Id != AppointmentId || appointmentEvent.Version <= s.Version)
        {
            return;
        }

        var previousStatus = state.RecordExists ? s.Status : (int?)null;
        s.CompanyId = appointmentEvent.CompanyId;
        s.Version = appointmentEvent.Version;
        s.Status = appointment.Status;
        var now = time.GetUtcNow();

        await PlanReminderAsync(appointmentEvent, now);
        var messages = await MessagesForAsync(appointmentEvent, previousStatus, now);
        if (messages.Count > 0)
        {
            s.Outgoing.AddRange(messages);
            RegisterReminderWithState(SendName, now);
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

    public Task<DateTimeOffset?> GetDueAtAsync() => Task.FromResult(state.State.DueAt);

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        await (reminderName switch
        {
            RemindName => FireAsync(status),
            SendName => SendOutgoingAsync(),
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

    /// <summary>
    /// Moves, keeps or removes the reminder for the appointment as it is after the change. Only appointments still
    /// to come with status 0, 1 or 2 get one, and only when its time is still ahead: a reminder whose time has
    /// passed when the appointment is booked (or moved) is not sent late.
    /// </summary>
    private async Task PlanReminderAsync(AppointmentEvent appointmentEvent, DateTimeOffset now)
    {
        var s = state.State;
        var appointment = appointmentEvent.Appointment;
        var wanted = appointmentEvent.Type != WebhookEvents.Deleted
            && AppointmentStatus.Upcoming.Contains(appointment.Status)
            && s.RemindedStart != appointment.Start;
        DateTimeOffset? due = null;
        if (wanted)
        {
            var hours = await reader.ReminderHoursAsync(appointment);
            if (hours > 0 && appointment.Start - TimeSpan.FromHours(hours) > now)
            {
                due = appointment.Start - TimeSpan.FromHours(hours);
            }
        }

        if (due is { } dueAt)
        {
            if (s.DueAt != dueAt || s.Start != appointment.Start)
            {
                RegisterReminderWithState(RemindName, dueAt);
                s.DueAt = dueAt;
                s.Start = appointment.Start;
            }

            return;
        }

        if (s.DueAt is not null)
        {
            UnregisterReminderWithState(RemindName);
            s.DueAt = null;
            s.Start = null;
        }
    }

    private async Task FireAsync(TickStatus status)
    {
        var s = state.State;
        var now = time.GetUtcNow();
        var appointment = s.CompanyId == 0 ? null : await appointments.GetAsync(s.CompanyId, AppointmentId, CancellationToken.None);
        var send = appointment is not null
            && AppointmentStatus.Upcoming.Contains(appointment.Status)
            && appointment.Start == s.Start
            && appointment.Start > now
            && s.RemindedStart != appointment.Start;
        NotificationTelemetry.RecordReminderLag(now - status.FirstTickTime, send);
        if (!send)
        {
            // A firing for a time the appointment no longer has: the change that moved it set (or will set) the right one.
            if (s.DueAt == status.FirstTickTime)
            {
                s.DueAt = null;
                s.Start = null;
                await state.WriteStateAsync();
            }

            LogSkipped(logger, AppointmentId);
            return;
        }

        var audience = await reader.AudienceAsync(appointment!);
        var details = await reader.DetailsAsync(appointment!);
        s.Outgoing.AddRange(ReminderMessages(details, audience, ReminderRecipients.Both, automatic: true));
        s.RemindedStart = appointment!.Start;
        s.DueAt = null;
        Outbox.Publish(
            StreamId.Create(AppointmentEvent.StreamNamespace, appointment.Id),
            new AppointmentEvent(WebhookEvents.Reminder, appointment.CompanyId, appointment, null, now));
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

    /// <summary>The e-mails one change causes (nothing for appointments that already started, busy time or deletes).</summary>
    private async Task<List<OutgoingMessage>> MessagesForAsync(AppointmentEvent appointmentEvent, int? previousStatus, DateTimeOffset now)
    {
        var appointment = appointmentEvent.Appointment;
        var status = appointment.Status;
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

        if (wanted.Count == 0 || appointment.Start <= now)
        {
            return [];
        }

        // Whom each wanted message goes to: the details (names, signed links) are gathered only when one goes out.
        var audience = await reader.AudienceAsync(appointment);
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
            RegisterReminderWithState(SendName, time.GetUtcNow() + TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, attempts - 1))));
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
