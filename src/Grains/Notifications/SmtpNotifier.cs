using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scheduling.Grains.Notifications;

/// <summary>
/// Sends e-mail through an SMTP relay (<c>Notifications:Smtp:*</c>): the text body, and the HTML body as an
/// alternative when there is one, both UTF-8 in quoted-printable. One connection per message: messages are few
/// (a handful per appointment) and <see cref="SmtpClient"/> is not safe for concurrent sends, so pooling would
/// buy nothing but locking. A failure (relay down, recipient refused) surfaces to the caller, which keeps the
/// message and retries.
/// </summary>
public sealed partial class SmtpNotifier : INotifier
{
    private readonly NotificationOptions _options;
    private readonly ILogger<SmtpNotifier> _logger;

    public SmtpNotifier(IOptions<NotificationOptions> options, ILogger<SmtpNotifier> logger)
    {
        _options = options.Value;
        _logger = logger;
        var smtp = _options.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            throw new InvalidOperationException("SmtpNotifier needs Notifications:Smtp:Host.");
        }

        LogRelay(_logger, smtp.Host, smtp.Port, smtp.UseTls);
    }

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var smtp = _options.Smtp;
        using var mail = ToMailMessage(message, _options.From);
        using var client = new SmtpClient(smtp.Host, smtp.Port)
        {
            EnableSsl = smtp.UseTls,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = (int)smtp.Timeout.TotalMilliseconds,
        };
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            client.Credentials = new NetworkCredential(smtp.Username, smtp.Password);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(smtp.Timeout);
        await client.SendMailAsync(mail, timeout.Token);
        LogSent(_logger, mail.To.ToString(), message.Subject);
    }

    /// <summary>The message as <see cref="SmtpClient"/> sends it; throws <see cref="FormatException"/> for an address that is not one.</summary>
    public static MailMessage ToMailMessage(EmailMessage message, string defaultFrom)
    {
        var mail = new MailMessage
        {
            From = Address(message.From ?? defaultFrom),
            // A subject with CR/LF would otherwise be refused by MailMessage; one line is what was meant.
            Subject = message.Subject.ReplaceLineEndings(" "),
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            // Mail lines end in CRLF; a bare LF would travel encoded (=0A) and show as one long line to some readers.
            Body = message.TextBody.ReplaceLineEndings("\r\n"),
            BodyEncoding = Encoding.UTF8,
            BodyTransferEncoding = TransferEncoding.QuotedPrintable,
            IsBodyHtml = false,
        };
        mail.To.Add(Address(message.To));
        if (message.HtmlBody is { } html)
        {
            var view = AlternateView.CreateAlternateViewFromString(html.ReplaceLineEndings("\r\n"), Encoding.UTF8, MediaTypeNames.Text.Html);
            view.TransferEncoding = TransferEncoding.QuotedPrintable;
            mail.AlternateViews.Add(view);
        }

        return mail;
    }

    private static MailAddress Address(string value) =>
        !string.IsNullOrWhiteSpace(value) && !value.Any(char.IsControl) && MailAddress.TryCreate(value, out var address)
            ? address
            : throw new FormatException($"'{value}' is not an e-mail address.");

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail notifications go out through SMTP relay {Host}:{Port} (STARTTLS: {UseTls})")]
    private static partial void LogRelay(ILogger logger, string host, int port, bool useTls);

    [LoggerMessage(Level = LogLevel.Debug, Message = "E-mail to {To} sent: {Subject}")]
    private static partial void LogSent(ILogger logger, string to, string subject);
}
