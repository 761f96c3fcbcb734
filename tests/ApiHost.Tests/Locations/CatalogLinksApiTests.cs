using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Locations;

/// <summary>Links between locations, employees and services, given from each side, read back from each side.</summary>
public abstract class CatalogLinksApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    [Fact]
    public async Task LocationLinksInTheirFourFormsAreReadBackFromEverySide()
    {
        var tenant = await SignUpAsync();
        var (e1, e2, e3) = (await tenant.CreateEmployeeAsync("Ann"), await tenant.CreateEmployeeAsync("Bob"), await tenant.CreateEmployeeAsync("Cy"));
        var (s1, s2, s3) = (await tenant.CreateServiceAsync("Cut"), await tenant.CreateServiceAsync("Dye"), await tenant.CreateServiceAsync("Wash"));

        // The reference's example: a specific employee, an employee with "all", and "all" employees with some services.
        var location = (await tenant.PostJsonAsync("/api/v2/location", new Dictionary<string, object>
        {
            ["name"] = "Salon",
            ["links"] = new Dictionary<string, object>
            {
                [$"{e1}"] = new Dictionary<string, int> { [$"{s1}"] = 1, [$"{s2}"] = 1, [$"{s3}"] = 0 },
                [$"{e2}"] = "all",
                ["all"] = new Dictionary<string, int> { [$"{s3}"] = 1 },
            },
        })).Data[0];
        var id = location.GetProperty("id").GetInt64();

        Assert.Equal(new Dictionary<string, string[]>
        {
            [$"{e1}"] = [$"{s1}", $"{s2}"],
            [$"{e2}"] = [$"{s1}", $"{s2}", $"{s3}"],
            [$"{e3}"] = [$"{s3}"],
        }, location.Links());
        Assert.Equal(new Dictionary<string, string[]> { [$"{id}"] = [$"{s1}", $"{s2}"] }, (await tenant.GetAsync($"/api/v2/employee/{e1}")).Data[0].Links());
        Assert.Equal(new Dictionary<string, string[]> { [$"{e2}"] = [$"{id}"], [$"{e3}"] = [$"{id}"] }, (await tenant.GetAsync($"/api/v2/service/{s3}")).Data[0].Links());

        var all = (await tenant.PutJsonAsync($"/api/v2/location/{id}", new { links = "all" })).Data[0];

        Assert.All(all.Links().Values, services => Assert.Equal([$"{s1}", $"{s2}", $"{s3}"], services));
        Assert.Equal(3, all.Links().Count);
        Assert.Equal([id], (await tenant.GetAsync("/api/v2/location?has_links=1")).Ids());
        Assert.Equal(3, Assert.Single((await tenant.GetAsync("/api/v2/location?include_links=1")).Data.EnumerateArray()).Links().Count);
        Assert.False(Assert.Single((await tenant.GetAsync("/api/v2/location")).Data.EnumerateArray()).TryGetProperty("links", out _));
        Assert.Equal(3, Assert.Single((await tenant.GetAsync($"/api/v2/service?id={s1}&include_links=1")).Data.EnumerateArray()).Links().Count);
    }

    [Fact]
    public async Task LocationAssignServicesSetsEachNamedEmployeesServicesAndKeyZeroMeansEveryEmployee()
    {
        var tenant = await SignUpAsync();
        var (e1, e2) = (await tenant.CreateEmployeeAsync("Ann"), await tenant.CreateEmployeeAsync("Bob"));
        var (s1, s2) = (await tenant.CreateServiceAsync("Cut"), await tenant.CreateServiceAsync("Dye"));
        var id = await tenant.CreateLocationAsync();

        var everyone = await tenant.PostJsonAsync($"/api/v2/location/assignServices?location_id={id}", new Dictionary<string, long[]> { ["0"] = [s1] });
        var one = await tenant.PostJsonAsync($"/api/v2/location/assignServices?location_id={id}", new Dictionary<string, long[]> { [$"{e2}"] = [s2, s1] });

        Assert.Equal((0, true), (everyone.StatusCode, one.Data.ValueKind == System.Text.Json.JsonValueKind.Null));
        Assert.Equal(new Dictionary<string, string[]> { [$"{e1}"] = [$"{s1}"], [$"{e2}"] = [$"{s2}", $"{s1}"] }, (await tenant.GetAsync($"/api/v2/location/{id}")).Data[0].Links());

        var unlinked = await tenant.PostJsonAsync($"/api/v2/location/assignServices?location_id={id}", new Dictionary<string, long[]> { [$"{e1}"] = [] });

        Assert.Equal(0, unlinked.StatusCode);
        Assert.Equal([$"{e2}"], (await tenant.GetAsync($"/api/v2/location/{id}")).Data[0].Links().Keys);
    }

    [Fact]
    public async Task EmployeeLinksAndAssignServicesSetTheEmployeesServicesPerLocation()
    {
        var tenant = await SignUpAsync();
        var (l1, l2) = (await tenant.CreateLocationAsync("North"), await tenant.CreateLocationAsync("South"));
        var (s1, s2) = (await tenant.CreateServiceAsync("Cut"), await tenant.CreateServiceAsync("Dye"));

        var employee = (await tenant.PostJsonAsync("/api/v2/employee", new Dictionary<string, object>
        {
            ["first_name"] = "Ann",
            ["last_name"] = "Lee",
            ["email"] = "ann@example.test",
            ["links"] = new Dictionary<string, object> { [$"{l1}"] = new Dictionary<string, int> { [$"{s1}"] = 1 }, [$"{l2}"] = "all" },
        })).Data[0];
        var id = employee.GetProperty("id").GetInt64();

        Assert.Equal(new Dictionary<string, string[]> { [$"{l1}"] = [$"{s1}"], [$"{l2}"] = [$"{s1}", $"{s2}"] }, employee.Links());

        var assigned = await tenant.PostJsonAsync($"/api/v2/employee/assignServices?employee_id={id}", new Dictionary<string, long[]> { ["0"] = [s2] });

        Assert.Equal(0, assigned.StatusCode);
        Assert.Equal(new Dictionary<string, string[]> { [$"{l1}"] = [$"{s2}"], [$"{l2}"] = [$"{s2}"] }, (await tenant.GetAsync($"/api/v2/employee/{id}")).Data[0].Links());
        Assert.Equal(new Dictionary<string, string[]> { [$"{id}"] = [$"{s2}"] }, (await tenant.GetAsync($"/api/v2/location/{l1}")).Data[0].Links());
    }

    [Fact]
    public async Task ServiceLinksSetWhereEachEmployeeOffersTheService()
    {
        var tenant = await SignUpAsync();
        var (l1, l2) = (await tenant.CreateLocationAsync("North"), await tenant.CreateLocationAsync("South"));
        var (e1, e2) = (await tenant.CreateEmployeeAsync("Ann"), await tenant.CreateEmployeeAsync("Bob"));
        var other = await tenant.CreateServiceAsync("Other");
        await tenant.PostJsonAsync($"/api/v2/location/assignServices?location_id={l2}", new Dictionary<string, long[]> { [$"{e1}"] = [other] });

        var service = (await tenant.PostJsonAsync("/api/v2/service", new Dictionary<string, object>
        {
            ["name"] = "Cut",
            ["links"] = new Dictionary<string, object>
            {
                [$"{e1}"] = new Dictionary<string, int> { [$"{l1}"] = 1, [$"{l2}"] = 0 },
                [$"{e2}"] = "all",
            },
        })).Data;
        var id = service.GetProperty("id").GetInt64();

        Assert.Equal(new Dictionary<string, string[]> { [$"{e1}"] = [$"{l1}"], [$"{e2}"] = [$"{l1}", $"{l2}"] }, service.Links());
        Assert.Equal(new Dictionary<string, string[]> { [$"{e1}"] = [$"{other}"], [$"{e2}"] = [$"{id}"] }, (await tenant.GetAsync($"/api/v2/location/{l2}")).Data[0].Links());
        Assert.Equal([id], (await tenant.GetAsync($"/api/v2/service?location_id={l1}")).Ids());
        Assert.Equal([other, id], (await tenant.GetAsync($"/api/v2/service?location_id={l2}")).Ids());

        var moved = (await tenant.PutJsonAsync($"/api/v2/service/{id}", new Dictionary<string, object>
        {
            ["links"] = new Dictionary<string, long[]> { [$"{e2}"] = [l1] },
        })).Data;

        Assert.Equal(new Dictionary<string, string[]> { [$"{e1}"] = [$"{l1}"], [$"{e2}"] = [$"{l1}"] }, moved.Links());
    }

    [Fact]
    public async Task LinksNamingUnknownOrForeignIdsAreRefusedAndChangeNothing()
    {
        var tenant = await SignUpAsync("owner");
        var stranger = await SignUpAsync("stranger");
        var foreignService = await stranger.CreateServiceAsync();
        var employee = await tenant.CreateEmployeeAsync();
        var service = await tenant.CreateServiceAsync();
        var location = await tenant.CreateLocationAsync(links: new Dictionary<string, long[]> { [$"{employee}"] = [service] });

        Envelope[] refused =
        [
            await tenant.PutJsonAsync($"/api/v2/location/{location}", new Dictionary<string, object> { ["links"] = new Dictionary<string, long[]> { [$"{employee}"] = [service, foreignService] } }),
            await tenant.PostJsonAsync($"/api/v2/location/assignServices?location_id={location}", new Dictionary<string, long[]> { ["424242"] = [service] }),
            await tenant.PostJsonAsync($"/api/v2/location/assignServices?location_id={location}", new { note = "no ids" }),
            await tenant.PostJsonAsync($"/api/v2/employee/assignServices?employee_id={employee}", new Dictionary<string, long[]> { [$"{location}"] = [foreignService] }),
            await tenant.PutJsonAsync($"/api/v2/service/{service}", new Dictionary<string, object> { ["links"] = new Dictionary<string, string> { [$"{employee}"] = "everywhere" } }),
        ];

        Assert.All(refused, r => Assert.Equal((400, 1), (r.HttpStatus, r.StatusCode)));
        Assert.Contains($"no service {foreignService} in this account", refused[0].StatusDescriptions);
        Assert.StartsWith("body.424242:", refused[1].StatusDescriptions);
        Assert.StartsWith("body:", refused[2].StatusDescriptions);
        Assert.Equal(new Dictionary<string, string[]> { [$"{employee}"] = [$"{service}"] }, (await tenant.GetAsync($"/api/v2/location/{location}")).Data[0].Links());
    }

    [Fact]
    public async Task DeletingAnEmployeeOrAServiceUnlinksItEverywhere()
    {
        var tenant = await SignUpAsync();
        var (e1, e2) = (await tenant.CreateEmployeeAsync("Ann"), await tenant.CreateEmployeeAsync("Bob"));
        var (s1, s2) = (await tenant.CreateServiceAsync("Cut"), await tenant.CreateServiceAsync("Dye"));
        var (l1, l2) = (await tenant.CreateLocationAsync("North", "all"), await tenant.CreateLocationAsync("South", "all"));

        Assert.Equal(0, (await tenant.DeleteAsync($"/api/v2/employee/{e1}")).StatusCode);
        Assert.Equal(0, (await tenant.DeleteAsync($"/api/v2/service/{s1}")).StatusCode);

        foreach (var location in new[] { l1, l2 })
        {
            Assert.Equal(new Dictionary<string, string[]> { [$"{e2}"] = [$"{s2}"] }, (await tenant.GetAsync($"/api/v2/location/{location}")).Data[0].Links());
        }

        var listed = await tenant.GetAsync("/api/v2/employee?include_links=1");
        Assert.Equal(new Dictionary<string, string[]> { [$"{l1}"] = [$"{s2}"], [$"{l2}"] = [$"{s2}"] }, Assert.Single(listed.Data.EnumerateArray()).Links());
    }
}

public sealed class CatalogLinksApiMemoryTests(MemoryApiStorage storage) : CatalogLinksApiTests<MemoryApiStorage>(storage);

public sealed class CatalogLinksApiPostgresTests(PostgresApiStorage storage) : CatalogLinksApiTests<PostgresApiStorage>(storage);
