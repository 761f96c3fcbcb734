using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Appointments;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.ApiHost.Tests.Reminders;
using Scheduling.Contracts.Links;
using Scheduling.Grains.Links;
using Scheduling.Grains.Notifications;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Notifications;

/// <summary>The host configured with Notifications:Smtp:* sends through a mail server inside the test.</summary>
public sealed partial class SmtpReminderTests(MemoryApiStorage storage) : ReminderTestBase<MemoryApiStorage>(storage)
{
    private readonly FakeSmtpServer _smtp = FakeSmtpServer.Start();

    protected override bool CaptureMail => false;

    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?>(base.Settings!)
    {
        ["Notifications:From"] = "Bookings <bookings@shop.example.test>",
        ["Notifications:Smtp:Host"] = "127.0.0.1",
        ["Notifications:Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notifications:Smtp:UseTls"] = "false",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    [Fact]
    public async Task TheReminderReachesTheMailServerWithTheTimeAndTheLinks()
    {
        Assert.IsType<SmtpNotifier>(Factory.Services.GetRequiredService<INotifier>());
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        await SettleAsync();
        Assert.Equal(2, _smtp.Drain().Count);

        await AdvanceToAsync(TenOClock.AddHours(-24));
        var reminder = Assert.Single(_smtp.Drain(), m => m.To.SequenceEqual(["ann@example.test"]));

        Assert.Equal("bookings@shop.example.test", reminder.From);
        Assert.Equal("Reminder: Cut, Monday, March 3, 2031, 10:00–11:00 (US/Pacific, GMT -08:00)", reminder.Header("Subject"));
        Assert.Contains("When: Monday, March 3, 2031, 10:00–11:00 (US/Pacific, GMT -08:00)", reminder.TextBody, StringComparison.Ordinal);
        var links = Factory.Services.GetRequiredService<AppointmentLinks>();
        var tokens = ManageLink().Matches(reminder.TextBody!).Select(m => Uri.UnescapeDataString(m.Groups[1].Value)).ToList();
        var read = (await Task.WhenAll(tokens.Select(links.ReadAsync))).ToList();
        Assert.Equal([new AppointmentLink(tenant.CompanyId, id, AppointmentLinkType.Reschedule), new AppointmentLink(tenant.CompanyId, id, AppointmentLinkType.Cancel)], read.Select(link => link!));
        Assert.Contains($"href=\"https://book.example.test/manage/{tokens[1]}\"", reminder.HtmlBody, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"https://book\.example\.test/manage/([A-Za-z0-9_%\-]+)")]
    private static partial Regex ManageLink();
}
