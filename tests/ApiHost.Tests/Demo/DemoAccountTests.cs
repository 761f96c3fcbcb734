using Scheduling.ApiHost.Demo;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Demo;

public abstract class DemoAccountTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    [Fact]
    public async Task DemoAccountHasTwoLocationsThreeEmployeesWithHoursAndFourServicesIncludingAGroupAndAnAddOn()
    {
        var demo = await DemoAccount.SeedAsync(Anonymous, new DemoOptions { Email = $"demo-{Guid.NewGuid():N}@example.test", Nickname = $"demo{Guid.NewGuid():N}"[..20] });
        var auth = await Envelope.ReadAsync(await Anonymous.PostAsync($"/api/v2/account/authenticate?email={demo.Email}&token={demo.ApiKey}", null));
        var token = auth.Data.GetProperty("session_token").GetString();

        var locations = await Anonymous.GetEnvelopeAsync($"/api/v2/location?include_links=1&session_token={token}");
        var employees = await Anonymous.GetEnvelopeAsync($"/api/v2/employee?session_token={token}");
        var services = await Anonymous.GetEnvelopeAsync($"/api/v2/service?session_token={token}");
        var hours = await Anonymous.GetEnvelopeAsync($"/api/v2/employee/getAvailabilityTime?session_token={token}");

        Assert.Equal(2, locations.Data.GetArrayLength());
        Assert.Equal(3, employees.Data.GetArrayLength());
        Assert.Equal(4, services.Data.GetArrayLength());
        Assert.Contains(services.Data.EnumerateArray(), s => s.GetProperty("group_session").GetInt32() > 1);
        Assert.Contains(services.Data.EnumerateArray(), s => s.GetProperty("is_subservice").GetBoolean());
        Assert.Equal(3, hours.Data.EnumerateArray().Count(e => e.GetProperty("availabilities").GetArrayLength() > 0));
        Assert.All(locations.Data.EnumerateArray(), l => Assert.NotEmpty(l.GetProperty("links").EnumerateObject()));
    }
}

public sealed class DemoAccountMemoryTests(MemoryApiStorage storage) : DemoAccountTests<MemoryApiStorage>(storage);

public sealed class DemoAccountPostgresTests(PostgresApiStorage storage) : DemoAccountTests<PostgresApiStorage>(storage);
