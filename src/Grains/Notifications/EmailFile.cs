using System.Globalization;
using System.Net.Mail;
using System.Text;

namespace Scheduling.Grains.Notifications;

/// <summary>
/// An <see cref="EmailMessage"/> as an RFC 5322 / MIME message (the content of an .eml file): ASCII
/// headers (RFC 2047 encoded-words for anything else), UTF-8 bodies in quoted-printable so that no line
/// exceeds 76 characters, and multipart/alternative when there is an HTML body.
/// </summary>
public static class EmailFile
{
    private const int MaxEncodedLine = 76;

    /// <summary>Formats the message; throws <see cref="ArgumentException"/> for an address that is not one (or smuggles a header).</summary>
    public static string Format(EmailMessage message, string defaultFrom, DateTimeOffset date)
    {
        ArgumentNullException.ThrowIfNull(message);
        var from = ParseAddress(message.From ?? defaultFrom, nameof(EmailMessage.From));
        var to = ParseAddress(message.To, nameof(EmailMessage.To));
        var text = new StringBuilder();
        Header(text, "Date", date.ToString("ddd, dd MMM yyyy HH:mm:ss ", CultureInfo.InvariantCulture) + date.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", string.Empty, StringComparison.Ordinal));
        Header(text, "From", FormatAddress(from));
        Header(text, "To", FormatAddress(to));
        Header(text, "Subject", EncodeHeaderText(message.Subject));
        Header(text, "Message-ID", $"<{Guid.NewGuid():N}@{from.Host}>");
        Header(text, "MIME-Version", "1.0");
        if (message.HtmlBody is null)
        {
            Part(text, "text/plain", message.TextBody);
        }
        else
        {
            // "=_" cannot occur in quoted-printable content, so the boundary never collides with a body line.
            var boundary = $"=_{Guid.NewGuid():N}";
            Header(text, "Content-Type", $"multipart/alternative;\r\n boundary=\"{boundary}\"");
            text.Append("\r\n");
            text.Append("--").Append(boundary).Append("\r\n");
            Part(text, "text/plain", message.TextBody);
            text.Append("\r\n--").Append(boundary).Append("\r\n");
            Part(text, "text/html", message.HtmlBody);
            text.Append("\r\n--").Append(boundary).Append("--\r\n");
        }

        return text.ToString();
    }

    /// <summary>Quoted-printable (RFC 2045 §6.7) of UTF-8 text; line breaks of any style become CRLF.</summary>
    public static string QuotedPrintable(string body)
    {
        var output = new StringBuilder(body.Length + (body.Length / 8));
        var lines = body.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                output.Append("\r\n");
            }

            var bytes = Encoding.UTF8.GetBytes(lines[i]);
            var lineLength = 0;
            for (var b = 0; b < bytes.Length; b++)
            {
                var value = bytes[b];
                var isLast = b == bytes.Length - 1;

                // Trailing white space would be stripped in transport, so it is encoded.
                var literal = value is >= 33 and <= 126 and not (byte)'=' || (value is (byte)' ' or (byte)'\t' && !isLast);
                var token = literal ? ((char)value).ToString() : $"={value:X2}";

                // A soft break ("=" at the end) keeps each encoded line within the limit; the last token
                // of a line may use the column the "=" would have needed.
                var room = isLast ? MaxEncodedLine : MaxEncodedLine - 1;
                if (lineLength + token.Length > room)
                {
                    output.Append("=\r\n");
                    lineLength = 0;
                }

                output.Append(token);
                lineLength += token.Length;
            }
        }

        return output.ToString();
    }

    private static void Part(StringBuilder text, string mediaType, string body)
    {
        Header(text, "Content-Type", $"{mediaType}; charset=utf-8");
        Header(text, "Content-Transfer-Encoding", "quoted-printable");
        text.Append("\r\n");
        text.Append(QuotedPrintable(body));
        text.Append("\r\n");
    }

    private static void Header(StringBuilder text, string name, string value) => text.Append(name).Append(": ").Append(value).Append("\r\n");

    private static MailAddress ParseAddress(string value, string name)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl) || !MailAddress.TryCreate(value, out var address))
        {
            throw new ArgumentException($"'{value}' is not an e-mail address.", name);
        }

        return address;
    }

    private static string FormatAddress(MailAddress address)
    {
        if (string.IsNullOrEmpty(address.DisplayName))
        {
            return address.Address;
        }

        var name = address.DisplayName.All(c => c is >= ' ' and <= '~')
            ? "\"" + address.DisplayName.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\""
            : EncodedWords(address.DisplayName);
        return $"{name} <{address.Address}>";
    }

    // Plain ASCII stays readable; anything else (or a value long enough to need folding) becomes
    // encoded-words, which also makes CR/LF in a subject harmless: it can never start a new header.
    private static string EncodeHeaderText(string value)
    {
        var flat = value.ReplaceLineEndings(" ");
        return flat.Length <= 900 && flat.All(c => c is >= ' ' and <= '~') ? flat : EncodedWords(flat);
    }

    // RFC 2047 B-encoded words of at most 45 UTF-8 bytes each (75 characters encoded), never splitting a
    // character, folded onto continuation lines.
    private static string EncodedWords(string value)
    {
        var words = new List<string>();
        var chunk = new StringBuilder();
        var chunkBytes = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            var size = rune.Utf8SequenceLength;
            if (chunkBytes + size > 45)
            {
                words.Add(Word(chunk.ToString()));
                chunk.Clear();
                chunkBytes = 0;
            }

            chunk.Append(rune.ToString());
            chunkBytes += size;
        }

        if (chunk.Length > 0 || words.Count == 0)
        {
            words.Add(Word(chunk.ToString()));
        }

        return string.Join("\r\n ", words);

        static string Word(string text) => $"=?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(text))}?=";
    }
}
