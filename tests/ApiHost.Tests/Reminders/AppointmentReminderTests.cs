using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Appointments;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.ApiHost.Tests.Locations;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Reminders;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Reminders;
using Orleans;
using Orleans.Runtime;
using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Tests.Reminders;

/// <summary>The durable reminder of an appointment: when it fires, how changes move or remove it, and what it raises.</summary>
public abstract class AppointmentReminderTests<TStorage>(TStorage storage) : ReminderTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    [Fact]
    public async Task TheReminderFiresTheAccountsHoursBeforeTheStartNotBeforeAndOnlyOnce()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        await SettleAsync();
        var due = TenOClock.AddHours(-24);

        Assert.Equal(due, await DueAtAsync(id));
        await AdvanceToAsync(due.AddMinutes(-1));
        Assert.Empty(Reminders(id));

        await AdvanceToAsync(due);
        var toClient = Assert.Single(Reminders(id, "ann@example.test"));
        Assert.Contains("Monday, March 3, 2031, 10:00–11:00 (US/Pacific, GMT -08:00)", toClient.TextBody, StringComparison.Ordinal);
        Assert.Equal(2, Reminders(id).Count);
        Assert.Null(await DueAtAsync(id));

        await AdvanceToAsync(TenOClock.AddMinutes(-5));
        Assert.Equal(2, Reminders(id).Count);
    }

    [Fact]
    public async Task TheServicesReminderHoursWinOverTheAccountsAndZeroEverywhereMeansNoReminder()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync(service: new { send_reminder = 2 });
        var early = await tenant.BookIdAsync(shop.Booking("10:00"));
        var plain = await tenant.CreateServiceAsync("Plain", 60);
        await tenant.PostJsonAsync($"/api/v2/location/assignServices?location_id={shop.Location}", new Dictionary<string, long[]> { [shop.Employee.ToString(CultureInfo.InvariantCulture)] = [shop.Service, plain] });
        await tenant.PostJsonAsync("/api/v2/account/saveOptions", new { send_reminder = 0 });
        var booking = shop.Booking("12:00");
        booking["service_id"] = plain;
        var none = await tenant.BookIdAsync(booking);
        await SettleAsync();

        Assert.Equal(TenOClock.AddHours(-2), await DueAtAsync(early));
        Assert.Null(await DueAtAsync(none));
        await AdvanceToAsync(TenOClock.AddHours(-2));
        Assert.Single(Reminders(early, "ann@example.test"));
        await AdvanceToAsync(TenOClock.AddHours(3));
        Assert.Single(Reminders(early, "ann@example.test"));
        Assert.Empty(Reminders(none));
    }

    [Fact]
    public async Task ARescheduleMovesTheReminderToTheNewTime()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        await SettleAsync();

        var moved = await tenant.PutJsonAsync($"/api/v2/appointment/{id}", new { start_date = "2031-03-04 15:00" });
        await SettleAsync();
        var newStart = new DateTimeOffset(2031, 3, 4, 23, 0, 0, TimeSpan.Zero);

        Assert.Equal(0, moved.StatusCode);
        Assert.Equal(newStart.AddHours(-24), await DueAtAsync(id));
        await AdvanceToAsync(TenOClock.AddHours(-24));
        Assert.Empty(Reminders(id));
        await AdvanceToAsync(newStart.AddHours(-24));
        var reminder = Assert.Single(Reminders(id, "ann@example.test"));
        Assert.Contains("Tuesday, March 4, 2031, 15:00–16:00", reminder.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelingOrDeletingTheAppointmentRemovesItsReminder()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var canceled = await tenant.BookIdAsync(shop.Booking("10:00"));
        var deleted = await tenant.BookIdAsync(shop.Booking("12:00", email: "bo@example.test"));
        await SettleAsync();

        Assert.Equal(0, (await tenant.PutJsonAsync($"/api/v2/appointment/{canceled}", new { status = 3 })).StatusCode);
        Assert.Equal(0, (await tenant.DeleteAsync($"/api/v2/appointment/{deleted}")).StatusCode);
        await SettleAsync();

        Assert.Null(await DueAtAsync(canceled));
        Assert.Null(await DueAtAsync(deleted));
        await AdvanceToAsync(TenOClock.AddHours(6));
        Assert.Empty(Reminders(canceled));
        Assert.Empty(Reminders(deleted));
    }

    [Fact]
    public async Task AReminderWhoseTimeHasPassedWhenBookedIsNotSent()
    {
        var tenant = await SignUpAsync();

        // 72 hours before a start 54 hours away.
        var shop = await tenant.OpenShopAsync(service: new { send_reminder = 72 });
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        await SettleAsync();

        Assert.Null(await DueAtAsync(id));
        await AdvanceToAsync(TenOClock.AddMinutes(-1));
        Assert.Empty(Reminders(id));
        Assert.Single(Subjects("Booked:", id, "ann@example.test"));
    }

    [Fact]
    public async Task TheReminderRaisesAnAppointmentReminderEventWithTheAppointmentsVersion()
    {
        var tenant = await SignUpAsync();
        await tenant.SubscribeAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        await tenant.PostJsonAsync("/api/v2/appointment/confirm", new { appointment_id = id });
        await SettleAsync();
        Clock.Advance(TenOClock.AddHours(-24) - Clock.GetUtcNow());

        Assert.True(await Factory.Services.FireDueRemindersAsync() >= 1);
        var events = EventsAsync(tenant.CompanyId);

        var reminder = Assert.Single(events, e => e.GetProperty("Type").GetString() == "appointment.reminder");
        Assert.Equal(id, reminder.GetProperty("Appointment").GetProperty("Id").GetInt64());
        Assert.Equal(2, reminder.GetProperty("Appointment").GetProperty("Version").GetInt64());
        Assert.Equal(2, reminder.GetProperty("Appointment").GetProperty("Status").GetInt32());
    }

    [Fact]
    public async Task ABookingThatSendsNothingStoresNothingForItsNotificationsYetItsReminderFires()
    {
        var tenant = await SignUpAsync();
        await tenant.SubscribeAsync();
        var shop = await tenant.OpenShopAsync();
        await tenant.PostJsonAsync("/api/v2/account/saveOptions", new { widget_send_client_emails = 0, widget_send_provider_emails = 0 });
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        await SettleAsync();

        // The calendar registered the reminder with the booking; the notifications grain had nothing to send and stored nothing.
        var key = new GrainStateKey(AppointmentReminders.GrainOf(id), "appointment-reminder");
        Assert.Null(await Factory.Services.GetRequiredService<IStateStore>().ReadAsync(key, default));
        Assert.Equal(TenOClock.AddHours(-24), await DueAtAsync(id));

        Clock.Advance(TenOClock.AddHours(-24) - Clock.GetUtcNow());
        Assert.True(await Factory.Services.FireDueRemindersAsync() >= 1);
        var reminder = Assert.Single(EventsAsync(tenant.CompanyId), e => e.GetProperty("Type").GetString() == "appointment.reminder");
        Assert.Equal(id, reminder.GetProperty("Appointment").GetProperty("Id").GetInt64());
        Assert.Empty(Reminders(id));
        Assert.Null(await DueAtAsync(id));
    }

    [Fact]
    public async Task AReminderSetByAnEarlierVersionStillFiresOnceForTheStartItWasSetFor()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        var moved = await tenant.BookIdAsync(shop.Booking("12:00", email: "mo@example.test"));
        await SettleAsync();

        // As earlier versions left them: a reminder named "remind", whose company and start are in the grain's state.
        await LegacyReminderAsync(tenant.CompanyId, id, TenOClock);
        await LegacyReminderAsync(tenant.CompanyId, moved, TenOClock.AddHours(2));
        Assert.Equal(0, (await tenant.PutJsonAsync($"/api/v2/appointment/{moved}", new { start_date = "2031-03-03 11:00" })).StatusCode);
        await SettleAsync();

        await AdvanceToAsync(TenOClock.AddHours(-24));
        Assert.Single(Reminders(id, "ann@example.test"));

        // The moved appointment's old reminder fires for a start it no longer has, and sends nothing; its new one sends.
        await AdvanceToAsync(TenOClock.AddHours(-22));
        Assert.Equal(["mo@example.test"], Reminders(moved).Where(m => m.To == "mo@example.test").Select(m => m.To));
        Assert.Contains("11:00", Assert.Single(Reminders(moved, "mo@example.test")).TextBody, StringComparison.Ordinal);
        await AdvanceToAsync(TenOClock.AddMinutes(-5));
        Assert.Single(Reminders(id, "ann@example.test"));
    }

    [Fact]
    public async Task AChangeStoredByAnEarlierVersionStillGetsItsReminder()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        await tenant.PostJsonAsync("/api/v2/account/saveOptions", new { widget_send_client_emails = 0, widget_send_provider_emails = 0 });
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        await SettleAsync();

        // As if an earlier version had booked it: its calendar registered no reminder, and its event carries no notices.
        var grainId = AppointmentReminders.GrainOf(id);
        Assert.True(await Factory.Services.GetRequiredService<IOneShotReminderTable>().RemoveAsync(grainId, AppointmentReminders.Name(tenant.CompanyId, TenOClock), null, default));
        var appointment = await Factory.Services.GetRequiredService<IAppointmentStore>().GetAsync(tenant.CompanyId, id, default);
        var grain = Factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IAppointmentReminderGrain>(id);
        await grain.ObserveAsync(new AppointmentEvent("appointment.created", tenant.CompanyId, appointment!, null, Clock.GetUtcNow()));

        Assert.Equal(TenOClock.AddHours(-24), await DueAtAsync(id));
    }

    // Puts an appointment's reminder back as an earlier version registered it.
    private async Task LegacyReminderAsync(long companyId, long appointmentId, DateTimeOffset start)
    {
        var grainId = AppointmentReminders.GrainOf(appointmentId);
        Assert.False(await Factory.Services.IsActiveAsync(grainId));
        var table = Factory.Services.GetRequiredService<IOneShotReminderTable>();
        Assert.True(await table.RemoveAsync(grainId, AppointmentReminders.Name(companyId, start), null, default));
        await table.UpsertAsync(grainId, "remind", start.AddHours(-24), TimeSpan.Zero, default);
        var storage = Factory.Services.GetRequiredService<IStateStore>();
        var key = new GrainStateKey(grainId, "appointment-reminder");
        var stored = await storage.ReadAsync(key, default);
        var legacy = JsonSerializer.SerializeToUtf8Bytes(new { CompanyId = companyId, Version = 1, Status = 1, Start = start, DueAt = start.AddHours(-24), Outgoing = Array.Empty<object>() });
        await storage.WriteAsync(new GrainStateWrite(key, stored?.Version ?? 0, legacy, [], []), default);
    }

    /// <summary>The company's appointment events, in commit order.</summary>
    private List<JsonElement> EventsAsync(long companyId) =>
        Factory.Services.GetRequiredService<CommittedEvents>().OfCompany(companyId, Factory.Services.GetRequiredService<GrainStateJson>().Options);
}

public sealed class AppointmentReminderMemoryTests(MemoryApiStorage storage) : AppointmentReminderTests<MemoryApiStorage>(storage);

public sealed class AppointmentReminderPostgresTests(PostgresApiStorage storage) : AppointmentReminderTests<PostgresApiStorage>(storage);
