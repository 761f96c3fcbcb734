using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Scheduling.TestSupport;

/// <summary>
/// Reads what tests need out of a MIME message: headers (unfolded, encoded-words decoded) and the decoded
/// text of its text parts (quoted-printable, base64 or plain; multipart nested any depth). Not a general parser.
/// </summary>
public static partial class MimeText
{
    public static string? Header(string message, string name)
    {
        var (headers, _) = Split(message);
        return headers.TryGetValue(name, out var value) ? DecodeWords(value) : null;
    }

    public static IReadOnlyList<(string MediaType, string Text)> TextParts(string message)
    {
        var parts = new List<(string, string)>();
        Collect(message, parts);
        return parts;
    }

    public static string QuotedPrintable(string encoded, Encoding? charset = null)
    {
        var bytes = new List<byte>();
        var lines = encoded.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var l = 0; l < lines.Length; l++)
        {
            var line = lines[l].TrimEnd(' ', '\t');
            var soft = line.EndsWith('=');
            if (soft)
            {
                line = line[..^1];
            }

            for (var i = 0; i < line.Length; i++)
            {
                if (line[i] == '=' && i + 2 < line.Length && IsHex(line[i + 1]) && IsHex(line[i + 2]))
                {
                    bytes.Add(byte.Parse(line.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    i += 2;
                }
                else
                {
                    bytes.AddRange(Encoding.UTF8.GetBytes(line[i].ToString()));
                }
            }

            if (!soft && l < lines.Length - 1)
            {
                bytes.Add((byte)'\r');
                bytes.Add((byte)'\n');
            }
        }

        return (charset ?? Encoding.UTF8).GetString([.. bytes]);
    }

    private static void Collect(string entity, List<(string, string)> parts)
    {
        var (headers, body) = Split(entity);
        var contentType = headers.TryGetValue("Content-Type", out var type) ? type : "text/plain";
        var mediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType.StartsWith("multipart/", StringComparison.Ordinal))
        {
            var boundary = BoundaryPattern().Match(contentType).Groups[1].Value;
            var sections = body.Split("--" + boundary);
            foreach (var section in sections.Skip(1))
            {
                if (section.StartsWith("--", StringComparison.Ordinal))
                {
                    break;
                }

                Collect(section.TrimStart('\r', '\n'), parts);
            }

            return;
        }

        if (!mediaType.StartsWith("text/", StringComparison.Ordinal))
        {
            return;
        }

        var encoding = headers.TryGetValue("Content-Transfer-Encoding", out var cte) ? cte.Trim().ToLowerInvariant() : "7bit";
        var text = encoding switch
        {
            "quoted-printable" => QuotedPrintable(body),
            "base64" => Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(body.Where(c => !char.IsWhiteSpace(c))))),
            _ => body,
        };
        parts.Add((mediaType, text.TrimEnd('\r', '\n')));
    }

    private static (Dictionary<string, string> Headers, string Body) Split(string entity)
    {
        var normalized = entity.Replace("\r\n", "\n", StringComparison.Ordinal);
        var end = normalized.IndexOf("\n\n", StringComparison.Ordinal);
        var head = end < 0 ? normalized : normalized[..end];
        var body = end < 0 ? string.Empty : normalized[(end + 2)..].Replace("\n", "\r\n", StringComparison.Ordinal);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        foreach (var line in head.Split('\n'))
        {
            if (line.Length > 0 && char.IsWhiteSpace(line[0]) && last is not null)
            {
                headers[last] += " " + line.Trim();
            }
            else if (line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            {
                last = line[..colon].Trim();
                headers[last] = line[(colon + 1)..].Trim();
            }
        }

        return (headers, body);
    }

    private static string DecodeWords(string value)
    {
        // Whitespace between two encoded-words is not part of the text (RFC 2047 §6.2).
        var joined = BetweenWordsPattern().Replace(value, "?==?");
        return EncodedWordPattern().Replace(joined, match =>
        {
            var charset = Encoding.GetEncoding(match.Groups[1].Value);
            var text = match.Groups[3].Value;
            return match.Groups[2].Value.ToUpperInvariant() == "B"
                ? charset.GetString(Convert.FromBase64String(text))
                : QuotedPrintable(text.Replace('_', ' '), charset);
        });
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    [GeneratedRegex("boundary=\"?([^\";]+)\"?", RegexOptions.IgnoreCase)]
    private static partial Regex BoundaryPattern();

    [GeneratedRegex(@"\?=\s+=\?")]
    private static partial Regex BetweenWordsPattern();

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=")]
    private static partial Regex EncodedWordPattern();
}
