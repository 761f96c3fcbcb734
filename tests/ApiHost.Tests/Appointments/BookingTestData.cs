using System.Text.Json;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.ApiHost.Tests.Locations;

namespace Scheduling.ApiHost.Tests.Appointments;

/// <summary>A bookable shop in a few words: a location, a service, employees offering it there, working every day 09:00-17:00.</summary>
public sealed record Shop(long Location, long Service, long[] Employees)
{
    public long Employee => Employees[0];
}

public static class BookingTestData
{
    /// <summary>A Monday well ahead (US/Pacific, standard time: GMT -08:00), so no notice window refuses it.</summary>
    public const string Day = "2031-03-03";

    public static readonly object EveryDay = new Dictionary<string, object>
    {
        ["mo"] = Hours, ["tu"] = Hours, ["we"] = Hours, ["th"] = Hours, ["fr"] = Hours, ["sa"] = Hours, ["su"] = Hours,
    };

    private static object Hours => new { time = new[] { new[] { "09:00", "17:00" } } };

    public static async Task<Shop> OpenShopAsync(this Tenant tenant, int employees = 1, int duration = 60, object? service = null)
    {
        var serviceId = await tenant.CreateServiceAsync("Cut", duration, service);
        var staff = new long[employees];
        for (var i = 0; i < employees; i++)
        {
            staff[i] = await tenant.CreateEmployeeAsync($"Emp{i}");
        }

        var location = await tenant.CreateLocationAsync();
        var linked = await tenant.PostJsonAsync($"/api/v2/location/assignServices?location_id={location}", staff.ToDictionary(e => e.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => new[] { serviceId }));
        Assert.True(linked.StatusCode == 0, linked.StatusDescriptions);
        foreach (var employee in staff)
        {
            var hours = await tenant.PutJsonAsync($"/api/v2/employee/{employee}/assignAvailability", new
            {
                availabilities = new[] { new { repeat = 1, location_id = location, days = EveryDay } },
            });
            Assert.True(hours.StatusCode == 0, hours.StatusDescriptions);
        }

        return new Shop(location, serviceId, staff);
    }

    /// <summary>The body of a booking at <paramref name="time"/> on <see cref="Day"/>, with the given extra fields.</summary>
    public static Dictionary<string, object?> Booking(this Shop shop, string time, object? extra = null, long? employee = null, string email = "ann@example.test")
    {
        var body = new Dictionary<string, object?>
        {
            ["service_id"] = shop.Service,
            ["location_id"] = shop.Location,
            ["employee_id"] = employee ?? shop.Employee,
            ["start_date"] = $"{Day} {time}",
            ["client_email"] = email,
            ["client_name"] = "Ann Lee",
        };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                body[property.Name] = property.Value;
            }
        }

        return body;
    }

    public static async Task<Envelope> BookAsync(this Tenant tenant, Dictionary<string, object?> booking) =>
        await tenant.PostJsonAsync("/api/v2/appointment", booking);

    public static async Task<long> BookIdAsync(this Tenant tenant, Dictionary<string, object?> booking)
    {
        var booked = await tenant.BookAsync(booking);
        Assert.True(booked.StatusCode == 0, booked.StatusDescriptions);
        return booked.Data.GetProperty("id").GetInt64();
    }

    public static (int Http, int Code) Status(this Envelope envelope) => (envelope.HttpStatus, envelope.StatusCode);
}
