using Orleans;

namespace Scheduling.Grains.Notifications;

/// <summary>
/// Sends e-mail on behalf of the product (password resets, appointment confirmations and reminders).
/// The one way to notify anybody: the default writes .eml files (<see cref="FileNotifier"/>); an SMTP
/// sender replaces it by configuration. Implementations may be slow or fail (a mail server is remote):
/// callers await them and let a failure surface.
/// </summary>
public interface INotifier
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// One e-mail. <paramref name="To"/> and <paramref name="From"/> are addresses, optionally with a display
/// name (<c>Ann Lee &lt;ann@example.com&gt;</c>); without <paramref name="From"/> the sender configured in
/// <c>Notifications:From</c> is used. <paramref name="HtmlBody"/>, when given, is sent as an alternative
/// to the text body, which every message has.
/// </summary>
[Immutable]
public sealed record EmailMessage(string To, string Subject, string TextBody, string? HtmlBody = null, string? From = null);
