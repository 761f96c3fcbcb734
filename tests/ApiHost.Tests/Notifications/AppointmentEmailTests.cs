using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Appointments;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.ApiHost.Tests.Reminders;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Links;
using Scheduling.Contracts.Reminders;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Links;
using Scheduling.Grains.Notifications;
using Orleans;
using Orleans.Runtime;
using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Tests.Notifications;

/// <summary>The e-mails appointment changes send (from the "appointments" stream), their links, and the switches that hold them back.</summary>
public abstract partial class AppointmentEmailTests<TStorage>(TStorage storage) : ReminderTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    [Fact]
    public async Task ABookingSendsTheClientAConfirmationWithWorkingCancelAndRescheduleLinksAndTellsTheProvider()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        await SettleAsync();

        var confirmation = Assert.Single(Subjects("Booked:", id, "ann@example.test"));
        Assert.Contains("Monday, March 3, 2031, 10:00–11:00 (US/Pacific, GMT -08:00)", confirmation.TextBody, StringComparison.Ordinal);
        Assert.Equal(
            [new AppointmentLink(tenant.CompanyId, id, AppointmentLinkType.Reschedule), new AppointmentLink(tenant.CompanyId, id, AppointmentLinkType.Cancel)],
            await LinksAsync(confirmation.TextBody));
        Assert.Equal(await LinksAsync(confirmation.TextBody), await LinksAsync(confirmation.HtmlBody!));
        Assert.Single(Subjects("New appointment:", id, await ProviderEmailAsync(tenant, id)));
    }

    [Fact]
    public async Task WithEmailConfirmationOnTheClientGetsAVerificationWhoseLinkConfirmsThatAppointment()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        await tenant.PostJsonAsync("/api/v2/account/saveOptions", new { email_confirmation = 1 });
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        await SettleAsync();

        var verification = Assert.Single(Subjects("Please confirm your appointment", id, "ann@example.test"));
        Assert.Equal([new AppointmentLink(tenant.CompanyId, id, AppointmentLinkType.Confirm)], await LinksAsync(verification.TextBody));
        Assert.Empty(Subjects("Booked:", id));
    }

    [Fact]
    public async Task ConfirmingReschedulingCancelingAndDecliningEachTellTheClient()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var confirmed = await tenant.BookIdAsync(shop.Booking("09:00", email: "cy@example.test"));
        var moved = await tenant.BookIdAsync(shop.Booking("10:00", email: "mo@example.test"));
        var canceled = await tenant.BookIdAsync(shop.Booking("11:00", email: "ca@example.test"));
        var declined = await tenant.BookIdAsync(shop.Booking("12:00", email: "de@example.test"));
        await SettleAsync();

        await tenant.PostJsonAsync("/api/v2/appointment/confirm", new { appointment_id = confirmed });
        await tenant.PutJsonAsync($"/api/v2/appointment/{moved}", new { start_date = "2031-03-04 15:00" });
        await tenant.PutJsonAsync($"/api/v2/appointment/{canceled}", new { status = 3 });
        await tenant.PostJsonAsync("/api/v2/appointment/decline", new { appointment_id = declined, reason = "We are closed that day" });
        await SettleAsync();

        Assert.Single(Subjects("Confirmed:", confirmed));
        var rescheduled = Assert.Single(Subjects("Rescheduled:", moved, "mo@example.test"));
        Assert.Contains("Tuesday, March 4, 2031, 15:00–16:00", rescheduled.TextBody, StringComparison.Ordinal);
        Assert.Contains("it was Monday, March 3, 2031, 10:00–11:00", rescheduled.TextBody, StringComparison.Ordinal);
        Assert.Single(Subjects("Canceled:", canceled, "ca@example.test"));
        Assert.Contains("Reason: We are closed that day", Assert.Single(Subjects("Declined:", declined, "de@example.test")).TextBody, StringComparison.Ordinal);
        Assert.Empty(Subjects("Canceled:", declined));
    }

    [Fact]
    public async Task AnEventDeliveredAgainSendsNothingTwice()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        await SettleAsync();
        var sent = Mail.Sent.Count;
        var appointment = await Factory.Services.GetRequiredService<IAppointmentStore>().GetAsync(tenant.CompanyId, id, default);
        var grain = Factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IAppointmentReminderGrain>(id);

        await grain.ObserveAsync(new AppointmentEvent("appointment.created", tenant.CompanyId, appointment!, null, Clock.GetUtcNow()));
        await grain.ObserveAsync(new AppointmentEvent("appointment.created", tenant.CompanyId, appointment!, null, Clock.GetUtcNow()));
        await SettleAsync();

        Assert.Equal(2, sent);
        Assert.Equal(sent, Mail.Sent.Count);
        Assert.Equal(TenOClock.AddHours(-24), await grain.GetDueAtAsync());
    }

    [Fact]
    public async Task TheAccountsSwitchesKeepClientOrProviderEmailsBackReminderIncluded()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        await tenant.PostJsonAsync("/api/v2/account/saveOptions", new { widget_send_client_emails = 0 });
        var quiet = await tenant.BookIdAsync(shop.Booking("10:00"));
        await SettleAsync();
        var provider = await ProviderEmailAsync(tenant, quiet);

        Assert.Empty(Subjects("Booked:", quiet));
        Assert.Single(Subjects("New appointment:", quiet, provider));
        await AdvanceToAsync(TenOClock.AddHours(-24));
        Assert.Equal([provider], Reminders(quiet).Select(m => m.To));
    }

    [Fact]
    public async Task AnEmployeeWhoReceivesSmsGetsTextsThroughTheGateway()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var updated = await tenant.PutJsonAsync($"/api/v2/employee/{shop.Employee}", new { receivesms = 1, sms_email = "number@sms.example.test", phone = "(555) 010-0199" });
        Assert.True(updated.StatusCode == 0, updated.StatusDescriptions);
        await tenant.BookIdAsync(shop.Booking("10:00"));
        await SettleAsync();
        await AdvanceToAsync(TenOClock.AddHours(-24));

        var texts = Mail.To("5550100199@sms.example.test");
        Assert.Equal(["New appointment", "Reminder"], texts.Select(t => t.Subject));
        Assert.All(texts, t => Assert.Contains("Ann Lee, Cut, Mon 3/3 10:00", t.TextBody, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMailServerThatIsDownFailsNoBookingAndItsMessagesGoOutLaterOnce()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        MailServerDown = true;

        var booked = await tenant.BookAsync(shop.Booking("10:00"));
        var id = booked.Data.GetProperty("id").GetInt64();
        await SettleAsync();
        MailServerDown = false;
        await AdvanceToAsync(Clock.GetUtcNow().AddMinutes(1));
        await AdvanceToAsync(Clock.GetUtcNow().AddMinutes(10));

        Assert.Equal(0, booked.StatusCode);
        Assert.Single(Subjects("Booked:", id, "ann@example.test"));
        Assert.Single(Subjects("New appointment:", id));
    }

    private async Task<List<AppointmentLink>> LinksAsync(string body)
    {
        var links = Factory.Services.GetRequiredService<AppointmentLinks>();
        var found = new List<AppointmentLink>();
        foreach (Match match in ManageLink().Matches(body))
        {
            found.Add(await links.ReadAsync(Uri.UnescapeDataString(match.Groups[1].Value)) ?? throw new InvalidOperationException($"link {match.Value} does not verify"));
        }

        return found;
    }

    private static async Task<string> ProviderEmailAsync(Tenant tenant, long appointmentId) =>
        (await tenant.GetAsync($"/api/v2/appointment/{appointmentId}")).Data[0].GetProperty("provider_email").GetString()!;

    [GeneratedRegex(@"https://book\.example\.test/manage/([A-Za-z0-9_%\-]+)")]
    private static partial Regex ManageLink();
}

public sealed class AppointmentEmailMemoryTests(MemoryApiStorage storage) : AppointmentEmailTests<MemoryApiStorage>(storage);

public sealed class AppointmentEmailPostgresTests(PostgresApiStorage storage) : AppointmentEmailTests<PostgresApiStorage>(storage);
