using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Appointments;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.ApiHost.Tests.Locations;
using Scheduling.Runtime.Hosting;
using Scheduling.Runtime.Storage;

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
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        await tenant.PostJsonAsync("/api/v2/appointment/confirm", new { appointment_id = id });
        await SettleAsync();
        Clock.Advance(TenOClock.AddHours(-24) - Clock.GetUtcNow());

        Assert.True(await Factory.Services.GetRequiredService<ISiloControl>().FireDueRemindersAsync() >= 1);
        var events = await EventsAsync(tenant.CompanyId);

        var reminder = Assert.Single(events, e => e.GetProperty("Type").GetString() == "appointment.reminder");
        Assert.Equal(id, reminder.GetProperty("Appointment").GetProperty("Id").GetInt64());
        Assert.Equal(2, reminder.GetProperty("Appointment").GetProperty("Version").GetInt64());
        Assert.Equal(2, reminder.GetProperty("Appointment").GetProperty("Status").GetInt32());
    }

    /// <summary>The company's undelivered appointment events (claimed here, so the test reads them once).</summary>
    private async Task<List<JsonElement>> EventsAsync(long companyId)
    {
        var outbox = Factory.Services.GetRequiredService<IOutboxStore>();
        var claimed = await outbox.ClaimAsync("test", 100_000, TimeSpan.FromMinutes(1), Clock.GetUtcNow(), default);
        return [.. claimed
            .Where(r => r.Message.StreamNamespace == "appointments")
            .OrderBy(r => r.Sequence)
            .Select(r => JsonDocument.Parse(r.Message.Payload).RootElement.Clone())
            .Where(e => e.GetProperty("CompanyId").GetInt64() == companyId)];
    }
}

public sealed class AppointmentReminderMemoryTests(MemoryApiStorage storage) : AppointmentReminderTests<MemoryApiStorage>(storage);

public sealed class AppointmentReminderPostgresTests(PostgresApiStorage storage) : AppointmentReminderTests<PostgresApiStorage>(storage);
