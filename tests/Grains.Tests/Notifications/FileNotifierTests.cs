using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scheduling.Grains.Notifications;
using Scheduling.TestSupport;

namespace Scheduling.Grains.Tests.Notifications;

public sealed class FileNotifierTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "file-notifier-tests", Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2031, 3, 4, 5, 6, 7, TimeSpan.Zero));

    public void Dispose()
    {
        if (System.IO.Directory.Exists(_directory))
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task EachMessageBecomesOneEmlFileInTheConfiguredDirectory()
    {
        var notifier = Notifier();

        await notifier.SendAsync(new EmailMessage("ann@example.com", "First", "one"), CancellationToken.None);
        await notifier.SendAsync(new EmailMessage("bob@example.com", "Second", "two"), CancellationToken.None);

        var files = System.IO.Directory.GetFiles(_directory);
        Assert.Equal(2, files.Length);
        Assert.All(files, f => Assert.EndsWith(".eml", f));
        var contents = files.Select(File.ReadAllText).ToList();
        Assert.Contains(contents, c => c.Contains("To: ann@example.com\r\n") && c.Contains("Subject: First\r\n"));
        Assert.Contains(contents, c => c.Contains("To: bob@example.com\r\n") && c.Contains("Subject: Second\r\n"));
    }

    [Fact]
    public async Task TheFileCarriesTheRfc5322HeadersWithTheConfiguredSenderAndTheClocksDate()
    {
        var notifier = Notifier(from: "Bookings <bookings@example.org>");

        await notifier.SendAsync(new EmailMessage("ann@example.com", "Hello", "Body text"), CancellationToken.None);

        var content = File.ReadAllText(Assert.Single(System.IO.Directory.GetFiles(_directory)));
        var (headers, body) = Split(content);
        Assert.Equal("\"Bookings\" <bookings@example.org>", headers["From"]);
        Assert.Equal("Tue, 04 Mar 2031 05:06:07 +0000", headers["Date"]);
        Assert.Matches("^<[0-9a-f]{32}@example.org>$", headers["Message-ID"]);
        Assert.Equal("1.0", headers["MIME-Version"]);
        Assert.Equal("text/plain; charset=utf-8", headers["Content-Type"]);
        Assert.Equal("quoted-printable", headers["Content-Transfer-Encoding"]);
        Assert.Equal("Body text\r\n", body);
    }

    [Fact]
    public async Task AMessageNamingItsSenderOverridesTheConfiguredOne()
    {
        var notifier = Notifier();

        await notifier.SendAsync(new EmailMessage("ann@example.com", "Hi", "x", From: "salon@example.net"), CancellationToken.None);

        var (headers, _) = Split(File.ReadAllText(Assert.Single(System.IO.Directory.GetFiles(_directory))));
        Assert.Equal("salon@example.net", headers["From"]);
    }

    [Fact]
    public async Task NoPartialFileIsLeftBehind()
    {
        var notifier = Notifier();

        await notifier.SendAsync(new EmailMessage("ann@example.com", "Hi", "x"), CancellationToken.None);

        Assert.Empty(System.IO.Directory.GetFiles(_directory, "*.partial"));
    }

    [Fact]
    public async Task AnInvalidRecipientIsRefusedAndNothingIsWritten()
    {
        var notifier = Notifier();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            notifier.SendAsync(new EmailMessage("ann@example.com\r\nBcc: everyone@example.com", "Hi", "x"), CancellationToken.None));

        Assert.False(System.IO.Directory.Exists(_directory) && System.IO.Directory.GetFiles(_directory).Length > 0);
    }

    [Fact]
    public void WithoutAConfiguredDirectoryTheFilesGoUnderTheSystemTempDirectory()
    {
        var notifier = new FileNotifier(Options.Create(new NotificationOptions()), _time, NullLogger<FileNotifier>.Instance);

        Assert.Equal(Path.Combine(Path.GetTempPath(), "scheduling-mail"), notifier.Directory);
    }

    private FileNotifier Notifier(string from = "no-reply@localhost") =>
        new(Options.Create(new NotificationOptions { Directory = _directory, From = from }), _time, NullLogger<FileNotifier>.Instance);

    // Headers up to the first empty line (none of these tests fold a header), then the body.
    private static (Dictionary<string, string> Headers, string Body) Split(string content)
    {
        var end = content.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = content[..end].Split("\r\n").Select(line => line.Split(": ", 2)).ToDictionary(p => p[0], p => p[1]);
        return (headers, content[(end + 4)..]);
    }
}
