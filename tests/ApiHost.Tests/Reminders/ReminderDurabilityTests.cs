using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Appointments;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Reminders;

/// <summary>On PostgreSQL, reminders outlive the silo that set them and fire once however many silos run.</summary>
public sealed class ReminderDurabilityTests(PostgresApiStorage storage) : ReminderTestBase<PostgresApiStorage>(storage)
{
    [Fact]
    public async Task AReminderSetBeforeARestartFiresExactlyOnceAfterIt()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var settled = await tenant.BookIdAsync(shop.Booking("10:00"));
        await SettleAsync();

        // This one's event is still in the outbox when the silo stops.
        var pending = await tenant.BookIdAsync(shop.Booking("12:00", email: "bo@example.test"));
        await Factory.DisposeAsync();
        await using var restarted = Storage.CreateFactory(ConfigureServices, Settings);
        await SettleAsync(restarted);

        Assert.Single(Subjects("Booked:", pending, "bo@example.test"));
        Clock.Advance(TenOClock.AddHours(-24) - Clock.GetUtcNow());
        await SettleAsync(restarted);
        Assert.Single(Reminders(settled, "ann@example.test"));
        Clock.Advance(TimeSpan.FromHours(2));
        await SettleAsync(restarted);
        Assert.Single(Reminders(settled, "ann@example.test"));
        Assert.Single(Reminders(pending, "bo@example.test"));
        Clock.Advance(TimeSpan.FromHours(2));
        await SettleAsync(restarted);
        Assert.Equal((1, 1), (Reminders(settled, "ann@example.test").Count, Reminders(pending, "bo@example.test").Count));
    }

    [Fact]
    public async Task TwoSilosOnOneDatabaseFireAReminderOnce()
    {
        await using var second = Storage.CreateFactory(ConfigureServices, Settings);
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("10:00"));
        await SettleAsync();
        Clock.Advance(TenOClock.AddHours(-24) - Clock.GetUtcNow());

        var silos = new[] { Factory, second }.Select(f => f.Services).ToList();
        var fired = await Task.WhenAll(silos.Select(s => s.FireDueRemindersAsync()));
        await Task.WhenAll(SettleAsync(Factory), SettleAsync(second));

        Assert.True(fired.Sum() >= 1);
        Assert.Single(Reminders(id, "ann@example.test"));
    }
}
