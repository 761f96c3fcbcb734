using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scheduling.Grains.Notifications;
using Scheduling.TestSupport;

namespace Scheduling.Grains.Tests.Notifications;

/// <summary>The SMTP sender against a mail server inside the test.</summary>
public sealed class SmtpNotifierTests : IAsyncLifetime
{
    private FakeSmtpServer _server = null!;

    public Task InitializeAsync()
    {
        _server = FakeSmtpServer.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AMessageArrivesWithItsSenderRecipientSubjectAndBothBodies()
    {
        var notifier = Notifier();

        await notifier.SendAsync(new EmailMessage("ann@example.test", "Grüße – 10:00", "Hello Ann,\nsee https://example.test/manage/c1-2-abc?x=1", "<p>Hello <b>Ann</b></p>"), CancellationToken.None);

        var mail = await _server.NextAsync();
        Assert.Equal("shop@example.test", mail.From);
        Assert.Equal(["ann@example.test"], mail.To);
        Assert.Equal("Grüße – 10:00", mail.Header("Subject"));
        Assert.Equal("Hello Ann,\r\nsee https://example.test/manage/c1-2-abc?x=1", mail.TextBody);
        Assert.Equal("<p>Hello <b>Ann</b></p>", mail.HtmlBody);
    }

    [Fact]
    public async Task AMessageWithoutHtmlIsPlainText()
    {
        await Notifier().SendAsync(new EmailMessage("bob@example.test", "Plain", "just text", From: "Shop <desk@example.test>"), CancellationToken.None);

        var mail = await _server.NextAsync();
        Assert.Equal("desk@example.test", mail.From);
        Assert.Equal("just text", mail.TextBody);
        Assert.Null(mail.HtmlBody);
    }

    [Fact]
    public async Task ARefusalByTheServerSurfacesToTheCaller()
    {
        _server.RefuseNext();

        await Assert.ThrowsAnyAsync<Exception>(() => Notifier().SendAsync(new EmailMessage("ann@example.test", "Refused", "text"), CancellationToken.None));
        await Notifier().SendAsync(new EmailMessage("ann@example.test", "Accepted", "text"), CancellationToken.None);
        Assert.Equal("Accepted", (await _server.NextAsync()).Header("Subject"));
    }

    [Fact]
    public async Task AnAddressThatIsNotOneIsRefusedBeforeConnecting()
    {
        await Assert.ThrowsAsync<FormatException>(() => Notifier().SendAsync(new EmailMessage("ann\r\nBcc: eve@example.test", "x", "y"), CancellationToken.None));
        Assert.Empty(_server.Drain());
    }

    private SmtpNotifier Notifier() => new(
        Options.Create(new NotificationOptions
        {
            From = "shop@example.test",
            Smtp = new SmtpOptions { Host = "127.0.0.1", Port = _server.Port, UseTls = false, Timeout = TimeSpan.FromSeconds(10) },
        }),
        NullLogger<SmtpNotifier>.Instance);
}
