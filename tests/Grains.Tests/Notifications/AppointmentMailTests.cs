using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Employees;
using Scheduling.Grains.Notifications;

namespace Scheduling.Grains.Tests.Notifications;

/// <summary>The appointment e-mail templates and what they are made of.</summary>
public sealed class AppointmentMailTests
{
    private static readonly AppointmentDetails s_details = new()
    {
        AppointmentId = 42,
        CompanyName = "Cuts & Co",
        ServiceName = "Haircut",
        ProviderName = "Bo Brown",
        LocationName = "Main St",
        LocationAddress = "1 Main St, Springfield",
        ClientName = "Ann <Lee>",
        When = AppointmentDetails.FormatWhen(new DateTimeOffset(2031, 3, 3, 18, 0, 0, TimeSpan.Zero), new DateTimeOffset(2031, 3, 3, 19, 0, 0, TimeSpan.Zero), 553),
        WhenShort = AppointmentDetails.FormatShort(new DateTimeOffset(2031, 3, 3, 18, 0, 0, TimeSpan.Zero), 553),
        Status = 2,
        CancelUrl = "https://book.example.test/manage/c1-2a-xyz",
        RescheduleUrl = "https://book.example.test/manage/r1-2a-xyz",
        ConfirmUrl = "https://book.example.test/manage/v1-2a-xyz",
    };

    [Fact]
    public void TimesAreShownInTheAppointmentsZoneWithItsName()
    {
        Assert.Equal("Monday, March 3, 2031, 10:00–11:00 (US/Pacific, GMT -08:00)", s_details.When);
        Assert.Equal("Mon 3/3 10:00 PST", s_details.WhenShort);

        // After the spring-forward the same zone shows its summer offset.
        Assert.EndsWith("(US/Pacific, GMT -07:00)", AppointmentDetails.FormatWhen(new DateTimeOffset(2031, 3, 10, 17, 0, 0, TimeSpan.Zero), new DateTimeOffset(2031, 3, 10, 18, 0, 0, TimeSpan.Zero), 553), StringComparison.Ordinal);
    }

    [Fact]
    public void TheReminderAndTheConfirmationCarryTheTimeAndTheCancelAndRescheduleLinks()
    {
        foreach (var mail in new[] { ReminderMail.ToClient(s_details, "ann@example.test"), BookingConfirmationMail.Render(s_details, "ann@example.test"), RescheduleMail.Render(s_details, "ann@example.test") })
        {
            Assert.Equal("ann@example.test", mail.To);
            Assert.Contains(s_details.When, mail.Subject, StringComparison.Ordinal);
            foreach (var body in new[] { mail.TextBody, mail.HtmlBody! })
            {
                Assert.Contains("March 3, 2031, 10:00", body, StringComparison.Ordinal);
                Assert.Contains(s_details.CancelUrl!, body, StringComparison.Ordinal);
                Assert.Contains(s_details.RescheduleUrl!, body, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void TheVerificationCarriesTheConfirmLink()
    {
        var mail = VerificationMail.Render(s_details, "ann@example.test");

        Assert.Contains(s_details.ConfirmUrl!, mail.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"{s_details.ConfirmUrl}\"", mail.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public void HtmlBodiesEncodeWhatClientsAndBusinessesTyped()
    {
        var html = BookingConfirmationMail.Render(s_details, "ann@example.test").HtmlBody!;

        Assert.Contains("Ann &lt;Lee&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Cuts &amp; Co", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<Lee>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDeclineSaysWhy()
    {
        var mail = DeclineMail.Render(s_details with { Reason = "We are closed that day" }, "ann@example.test");

        Assert.Contains("Reason: We are closed that day", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void TextMessagesAreOneShortLine()
    {
        var sms = AppointmentSms.Reminder(s_details with { ClientName = new string('x', 300) }, "5550100@sms.example.test");

        Assert.True(sms.TextBody.Length <= 160);
        Assert.Null(sms.HtmlBody);
    }

    [Theory]
    [InlineData(true, "number@txt.example.test", "(555) 010-0199", "5550100199@txt.example.test")]
    [InlineData(true, "5550100@direct.example.test", "", "5550100@direct.example.test")]
    [InlineData(true, "number@txt.example.test", "", null)]
    [InlineData(false, "number@txt.example.test", "555 0100", null)]
    public void TheSmsGatewayAddressPutsThePhoneNumberInPlaceOfTheKeyword(bool receives, string gateway, string phone, string? expected)
    {
        var employee = new EmployeeSnapshot(1, 1, DateTimeOffset.UnixEpoch, ImmutableDictionary<string, JsonElement>.Empty
            .Add("receivesms", JsonSerializer.SerializeToElement(receives))
            .Add("sms_email", JsonSerializer.SerializeToElement(gateway))
            .Add("phone", JsonSerializer.SerializeToElement(phone)), null, false);

        Assert.Equal(expected, AppointmentDetailsReader.SmsAddress(employee));
    }
}
