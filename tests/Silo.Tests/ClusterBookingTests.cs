using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Scheduling.Silo.Tests.Harness;
using Scheduling.TestSupport;

namespace Scheduling.Silo.Tests;

/// <summary>
/// Two API host processes (each co-hosting a silo) on one PostgreSQL, booking overlapping slots through
/// both at once: the database then shows no double booking, and every acknowledged booking — and only
/// those — has its row. A booking through one silo shows in the other's availability within a second.
/// </summary>
public sealed class ClusterBookingTests : IAsyncLifetime
{
    private const string Day = "2031-06-02";
    private PostgresTestDatabase _database = null!;
    private ChildProcess _hostA = null!;
    private ChildProcess _hostB = null!;
    private HttpClient _a = null!;
    private HttpClient _b = null!;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        var ports = LocalPorts.FreeRange(2);
        _hostA = StartHost(ports, "silo-a");
        _hostB = StartHost(ports + 1, "silo-b");
        _a = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports}") };
        _b = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports + 1}") };
        await WaitReadyAsync(_a, _hostA);
        await WaitReadyAsync(_b, _hostB);
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await _hostA.DisposeAsync();
        await _hostB.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task TwoThousandOverlappingBookingsThroughTwoSilosNeverDoubleBook()
    {
        var shop = await SetUpAsync(employees: 4, groupSeats: 3);
        var acknowledged = new ConcurrentBag<long>();
        var answers = new ConcurrentDictionary<int, int>();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async worker =>
        {
            var random = new Random(worker);
            int n;
            while ((n = Interlocked.Increment(ref next)) < 2000)
            {
                var http = n % 2 == 0 ? _a : _b;
                var group = random.Next(5) == 0;
                var minute = 8 * 60 + (random.Next(24) * 15);
                var response = await http.PostAsJsonAsync($"/api/v2/appointment?session_token={shop.Token}", new
                {
                    employee_id = shop.Employees[random.Next(shop.Employees.Length)],
                    location_id = shop.Location,
                    service_id = group ? shop.GroupService : shop.Service,
                    start_date = $"{Day} {minute / 60:00}:{minute % 60:00}",
                    client_name = $"Client {n}",
                    client_email = $"client{n % 300}@cluster.test",
                });
                var envelope = await response.Content.ReadFromJsonAsync<JsonElement>();
                var code = envelope.GetProperty("statusCode").GetInt32();
                answers.AddOrUpdate(code, 1, (_, c) => c + 1);
                if (code == 0)
                {
                    acknowledged.Add(envelope.GetProperty("data").GetProperty("id").GetInt64());
                }
            }
        }));

        // Only "booked", "taken" (10) and "no longer offered" (9) are acceptable answers.
        Assert.True(answers.Keys.All(k => k is 0 or 9 or 10), "answers: " + string.Join(", ", answers.Select(p => $"{p.Key}: {p.Value}")));
        // 4 employees x 6 hours of 30-minute visits (or 45-minute classes) hold at most ~48 bookings.
        Assert.True(acknowledged.Count > 20, $"only {acknowledged.Count} bookings succeeded");

        await using var dataSource = NpgsqlDataSource.Create(_database.ConnectionString);
        await using (var overlaps = dataSource.CreateCommand("""
            SELECT count(*) FROM appointments a JOIN appointments b
              ON a.employee_id = b.employee_id AND a.id < b.id
             AND a.status <> 3 AND b.status <> 3
             AND tstzrange(a.start_at, a.block_end) && tstzrange(b.start_at, b.block_end)
             AND a.session_key <> b.session_key
            """))
        {
            Assert.Equal(0L, await overlaps.ExecuteScalarAsync());
        }

        await using (var seats = dataSource.CreateCommand(
            "SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM appointments WHERE session_key LIKE 'g:%' AND status <> 3 GROUP BY employee_id, session_key) s"))
        {
            Assert.True((long)(await seats.ExecuteScalarAsync())! <= 3, "a group session holds more seats than it has");
        }

        var rows = new HashSet<long>();
        await using (var ids = dataSource.CreateCommand($"SELECT id FROM appointments WHERE company_id = {shop.CompanyId}"))
        await using (var reader = await ids.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetInt64(0));
            }
        }

        Assert.Equal(acknowledged.Order(), rows.Order());
    }

    [Fact]
    public async Task ABookingThroughOneSiloShowsInTheOtherSilosAvailabilityWithinOneSecond()
    {
        var shop = await SetUpAsync(employees: 1, groupSeats: 2);
        var query = $"/api/v2/availability?service_id={shop.Service}&location_id={shop.Location}&start_date={Day}&session_token={shop.Token}";
        Assert.Contains("09:00:00", await TimesAsync(_b, query));

        var booked = await _a.PostAsJsonAsync($"/api/v2/appointment?session_token={shop.Token}", new
        {
            employee_id = shop.Employees[0], location_id = shop.Location, service_id = shop.Service,
            start_date = $"{Day} 09:00", client_name = "Ann", client_email = "ann@cluster.test",
        });
        Assert.Equal(0, (await booked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("statusCode").GetInt32());

        var seen = System.Diagnostics.Stopwatch.StartNew();
        while ((await TimesAsync(_b, query)).Contains("09:00:00"))
        {
            Assert.True(seen.Elapsed < TimeSpan.FromSeconds(1), "silo B still offers the booked slot after 1 s");
            await Task.Delay(20);
        }
    }

    private async Task<Shop> SetUpAsync(int employees, int groupSeats)
    {
        var (companyId, nick, token, location, service, groupService) = await ClusterApi.OpenAccountAsync(_a, _b, "Cluster", groupSeats);
        var ids = new long[employees];
        for (var i = 0; i < employees; i++)
        {
            ids[i] = ClusterApi.Id(await ClusterApi.SendAsync(i % 2 == 0 ? _a : _b, HttpMethod.Post, $"/api/v2/employee?session_token={token}", new { first_name = $"E{i}", last_name = "Cluster", email = $"e{i}-{nick}@cluster.test" }));
            await ClusterApi.SendAsync(_a, HttpMethod.Put, $"/api/v2/employee/{ids[i]}/assignAvailability?session_token={token}", new
            {
                availabilities = new[] { new { repeat = 1, type = 0, location_id = location, days = new { mo = new { time = new[] { new[] { "08:00", "14:00" } } } } } },
            });
        }

        await ClusterApi.SendAsync(_b, HttpMethod.Post, $"/api/v2/location/assignServices?location_id={location}&session_token={token}",
            ids.ToDictionary(e => e.ToString(System.Globalization.CultureInfo.InvariantCulture), _ => new[] { service, groupService }));
        return new Shop(companyId, token, location, service, groupService, ids);
    }

    private static async Task<List<string>> TimesAsync(HttpClient http, string query)
    {
        var data = (await http.GetFromJsonAsync<JsonElement>(query)).GetProperty("data");
        return [.. data.GetProperty("times").GetProperty(Day).EnumerateArray().Select(t => t.GetString()!)];
    }

    // Both hosts in one Orleans cluster of this test's own, each silo on ports of its own.
    private readonly string _clusterId = $"cluster-{Guid.NewGuid():N}";

    private ChildProcess StartHost(int port, string name) => ChildProcess.Start(
        "dotnet",
        [Path.Combine(BuildOutput.ApiHostDirectory, "Scheduling.ApiHost.dll"), "--urls", $"http://127.0.0.1:{port}"],
        BuildOutput.ApiHostDirectory,
        new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = _database.ConnectionString,
            ["Workers__SiloName"] = name,
            ["Orleans__ClusterId"] = _clusterId,
            ["Orleans__SiloName"] = name,
            ["Orleans__Endpoints__SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Orleans__Endpoints__GatewayPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Demo__Enabled"] = "false",
            ["RateLimits__PerCompanyPerSecond"] = "1000000",
            ["RateLimits__PerCompanyBurst"] = "1000000",
            ["RateLimits__AnonymousPerSecond"] = "1000",
            ["RateLimits__AnonymousBurst"] = "1000",
            ["Logging__LogLevel__Default"] = "Warning",
        });

    private static async Task WaitReadyAsync(HttpClient http, ChildProcess host)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(host.HasExited, "the API host exited:\n" + host.Output);
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        Assert.Fail("the API host did not become ready:\n" + host.Output);
    }


    private sealed record Shop(long CompanyId, string Token, long Location, long Service, long GroupService, long[] Employees);
}
