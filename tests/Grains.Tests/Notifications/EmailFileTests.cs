using System.Text;
using System.Text.RegularExpressions;
using Scheduling.Grains.Notifications;

namespace Scheduling.Grains.Tests.Notifications;

public sealed partial class EmailFileTests
{
    private static readonly DateTimeOffset Date = new(2031, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void NonAsciiTextIsQuotedPrintableUtf8()
    {
        Assert.Equal("Caf=C3=A9 cr=C3=A8me", EmailFile.QuotedPrintable("Café crème"));
    }

    [Fact]
    public void EqualsSignsAndTrailingSpacesAreEncodedAndLineBreaksBecomeCrlf()
    {
        Assert.Equal("a=3Db=20\r\nnext=09\r\nlast", EmailFile.QuotedPrintable("a=b \nnext\t\r\nlast"));
    }

    [Fact]
    public void LongLinesAreSoftWrappedWithinSeventySixCharactersAndDecodeBackToTheOriginal()
    {
        var original = string.Concat(Enumerable.Repeat("Réservez votre rendez-vous = maintenant! ", 20)) + "\nhttps://example.com/book/" + new string('x', 200);

        var encoded = EmailFile.QuotedPrintable(original);

        Assert.All(encoded.Split("\r\n"), line => Assert.InRange(line.Length, 0, 76));
        Assert.Equal(original, DecodeQuotedPrintable(encoded));
    }

    [Fact]
    public void ANonAsciiSubjectBecomesEncodedWordsThatDecodeBack()
    {
        var subject = "Réinitialisez votre mot de passe — Salon Beauté Éclatante à Montréal";

        var text = EmailFile.Format(new EmailMessage("ann@example.com", subject, "x"), "no-reply@localhost", Date);

        var header = Regex.Match(text, "^Subject: (.*?)\r\n(?=[^ ])", RegexOptions.Multiline | RegexOptions.Singleline).Groups[1].Value;
        Assert.All(header.Split("\r\n"), line => Assert.InRange(line.Length, 0, 78));
        var decoded = string.Concat(EncodedWord().Matches(header).Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[1].Value))));
        Assert.Equal(subject, decoded);
    }

    [Fact]
    public void LineBreaksInASubjectCannotStartAnotherHeader()
    {
        var text = EmailFile.Format(new EmailMessage("ann@example.com", "Hello\r\nBcc: everyone@example.com", "x"), "no-reply@localhost", Date);

        Assert.DoesNotContain("\r\nBcc:", text);
        Assert.Contains("Subject: Hello Bcc: everyone@example.com\r\n", text);
    }

    [Fact]
    public void AnHtmlBodyIsSentAsAnAlternativeToTheText()
    {
        var text = EmailFile.Format(new EmailMessage("ann@example.com", "Hi", "plain", "<p>rich</p>"), "no-reply@localhost", Date);

        var boundary = Regex.Match(text, "Content-Type: multipart/alternative;\r\n boundary=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(boundary);
        var parts = text.Split("--" + boundary);
        Assert.Equal(4, parts.Length);
        Assert.Contains("Content-Type: text/plain; charset=utf-8\r\n", parts[1]);
        Assert.Contains("\r\n\r\nplain\r\n", parts[1]);
        Assert.Contains("Content-Type: text/html; charset=utf-8\r\n", parts[2]);
        Assert.Contains("\r\n\r\n<p>rich</p>\r\n", parts[2]);
        Assert.Equal("--\r\n", parts[3]);
    }

    [Fact]
    public void ADisplayNameOutsideAsciiIsEncoded()
    {
        var text = EmailFile.Format(new EmailMessage("Zoë Müller <zoe@example.com>", "Hi", "x"), "no-reply@localhost", Date);

        Assert.Contains($"To: =?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes("Zoë Müller"))}?= <zoe@example.com>\r\n", text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not an address")]
    [InlineData("ann@example.com\nBcc: x@example.com")]
    public void AnInvalidAddressIsRefused(string to)
    {
        Assert.Throws<ArgumentException>(() => EmailFile.Format(new EmailMessage(to, "Hi", "x"), "no-reply@localhost", Date));
    }

    [Fact]
    public void EveryLineOfTheMessageEndsWithCrlfAndStaysWithinTheLineLimit()
    {
        var text = EmailFile.Format(new EmailMessage("ann@example.com", "Hi", "one\ntwo\rthree " + new string('é', 300), "<b>" + new string('x', 500) + "</b>"), "no-reply@localhost", Date);

        Assert.DoesNotMatch("[^\r]\n", text);
        Assert.DoesNotMatch("\r[^\n]", text);
        Assert.All(text.Split("\r\n"), line => Assert.InRange(line.Length, 0, 78));
    }

    private static string DecodeQuotedPrintable(string encoded)
    {
        var bytes = new List<byte>();
        var text = encoded.Replace("=\r\n", string.Empty, StringComparison.Ordinal);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=')
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else if (text[i] == '\r' && text[i + 1] == '\n')
            {
                bytes.Add((byte)'\n');
                i++;
            }
            else
            {
                bytes.Add((byte)text[i]);
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    [GeneratedRegex(@"=\?utf-8\?B\?([A-Za-z0-9+/=]+)\?=")]
    private static partial Regex EncodedWord();
}
