using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Appointments;

/// <summary>Deleting a location, employee or service is refused (409 / statusCode 6) while upcoming appointments refer to it.</summary>
public abstract class AppointmentReferenceTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    // The morning of the booking day (2031-03-03, 00:00 Pacific): the shop's 09:00-17:00 is still ahead.
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2031, 3, 3, 8, 0, 0, TimeSpan.Zero));

    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Workers:Enabled"] = "false" };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(_clock);

    [Fact]
    public async Task DeletingALocationEmployeeOrServiceWithUpcomingAppointmentsIsRefusedAndNamesHowMany()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        await tenant.BookIdAsync(shop.Booking("09:00"));
        await tenant.BookIdAsync(shop.Booking("11:00"));

        var refusals = new[]
        {
            (await tenant.DeleteAsync($"/api/v2/location/{shop.Location}"), $"location {shop.Location} has 2 upcoming appointments"),
            (await tenant.DeleteAsync($"/api/v2/employee/{shop.Employee}"), $"employee {shop.Employee} has 2 upcoming appointments"),
            (await tenant.DeleteAsync($"/api/v2/service/{shop.Service}"), $"service {shop.Service} has 2 upcoming appointments"),
        };

        Assert.All(refusals, r =>
        {
            Assert.Equal((409, 6), r.Item1.Status());
            Assert.StartsWith(r.Item2, r.Item1.StatusDescriptions, StringComparison.Ordinal);
        });
        Assert.Equal((200, 0), (await tenant.GetAsync($"/api/v2/location/{shop.Location}")).Status());
        Assert.Equal((200, 0), (await tenant.GetAsync($"/api/v2/employee/{shop.Employee}")).Status());
        Assert.Equal((200, 0), (await tenant.GetAsync($"/api/v2/service/{shop.Service}")).Status());
        Assert.Equal((200, 0), (await tenant.BookAsync(shop.Booking("13:00"))).Status());
    }

    [Fact]
    public async Task CanceledAppointmentsDoNotBlockADelete()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var id = await tenant.BookIdAsync(shop.Booking("09:00"));
        await tenant.PostJsonAsync("/api/v2/appointment/decline", new { appointment_id = id, reason = "closing" });

        Assert.Equal((200, 0), (await tenant.DeleteAsync($"/api/v2/employee/{shop.Employee}")).Status());
        Assert.Equal((200, 0), (await tenant.DeleteAsync($"/api/v2/service/{shop.Service}")).Status());
        Assert.Equal((200, 0), (await tenant.DeleteAsync($"/api/v2/location/{shop.Location}")).Status());
    }

    [Fact]
    public async Task AnAppointmentBlocksUntilItEndsAndPastOnesDoNot()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        await tenant.BookIdAsync(shop.Booking("09:00")); // 17:00-18:00 UTC

        _clock.SetUtcNow(new DateTimeOffset(2031, 3, 3, 17, 30, 0, TimeSpan.Zero));
        var running = await tenant.DeleteAsync($"/api/v2/service/{shop.Service}");
        _clock.SetUtcNow(new DateTimeOffset(2031, 3, 3, 18, 0, 0, TimeSpan.Zero));
        var ended = await tenant.DeleteAsync($"/api/v2/service/{shop.Service}");

        Assert.Equal((409, 6), running.Status());
        Assert.StartsWith($"service {shop.Service} has 1 upcoming appointment;", running.StatusDescriptions, StringComparison.Ordinal);
        Assert.Equal((200, 0), ended.Status());
        Assert.Equal((200, 0), (await tenant.DeleteAsync($"/api/v2/employee/{shop.Employee}")).Status());
        Assert.Single((await tenant.GetAsync("/api/v2/appointment")).Data.EnumerateArray());
    }

    [Fact]
    public async Task AnotherCompanysAppointmentsNeverBlockADelete()
    {
        var owner = await SignUpAsync();
        var other = await SignUpAsync();
        var shop = await owner.OpenShopAsync();
        var otherShop = await other.OpenShopAsync();
        await other.BookIdAsync(otherShop.Booking("09:00"));

        Assert.Equal((404, 7), (await owner.DeleteAsync($"/api/v2/employee/{otherShop.Employee}")).Status());
        Assert.Equal((200, 0), (await owner.DeleteAsync($"/api/v2/employee/{shop.Employee}")).Status());
        Assert.Equal((409, 6), (await other.DeleteAsync($"/api/v2/employee/{otherShop.Employee}")).Status());
    }
}

public sealed class AppointmentReferenceMemoryTests(MemoryApiStorage storage) : AppointmentReferenceTests<MemoryApiStorage>(storage);

public sealed class AppointmentReferencePostgresTests(PostgresApiStorage storage) : AppointmentReferenceTests<PostgresApiStorage>(storage);
