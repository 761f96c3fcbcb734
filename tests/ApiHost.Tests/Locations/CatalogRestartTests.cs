using System.Net.Http.Headers;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Locations;

/// <summary>On PostgreSQL the catalog is read back from storage by fresh activations after a restart, unchanged.</summary>
public sealed class CatalogRestartTests(PostgresApiStorage storage) : ApiTestBase<PostgresApiStorage>(storage)
{
    [Fact]
    public async Task LocationsEmployeesAndServicesReadBackTheSameAfterARestart()
    {
        var tenant = await SignUpAsync();
        var addOn = await tenant.CreateServiceAsync("Wash", 15, new { is_subservice = 1 });
        var service = await tenant.CreateServiceAsync("Class", 45, new
        {
            set_schedule = 1,
            subservices = new[] { addOn },
            active_from = "2031-01-01",
            schedule = new[] { new { repeat = 2, start_date = "1/1/2031", start_time = new { hour = 9, am = "am" }, end_time = new { hour = 5, am = "pm" }, days = new[] { 1, 15 } } },
        });
        var employee = await tenant.CreateEmployeeAsync();
        var location = await tenant.CreateLocationAsync(links: "all");
        await tenant.UploadAsync($"/api/v2/employee/uploadPhoto?provider={employee}", CatalogTestData.Png);
        await tenant.PutJsonAsync($"/api/v2/employee/{employee}/assignAvailability", new
        {
            availabilities = new object[]
            {
                new { repeat = 1, location_id = location, days = new { mo = new { time = new[] { new[] { "09:00", "17:00" } } } } },
                new { repeat = 2, type = 1, start_date = "7/1/2031", end_date = "7/2/2031" },
            },
        });
        string[] urls =
        [
            "/api/v2/location?include_links=1", $"/api/v2/employee/{employee}", $"/api/v2/employee/getAvailabilityTime/{employee}",
            "/api/v2/service?include_links=1",
        ];
        var before = await Task.WhenAll(urls.Select(tenant.GetAsync));

        await using var restarted = Storage.CreateFactory();
        var client = restarted.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.SessionToken);
        var after = await Task.WhenAll(urls.Select(async url => await Envelope.ReadAsync(await client.GetAsync(url))));

        Assert.All(after, a => Assert.Equal(0, a.StatusCode));
        Assert.All(before.Zip(after), p => Assert.Equal(p.First.Data.GetRawText(), p.Second.Data.GetRawText()));
    }
}
