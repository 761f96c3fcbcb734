using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans;
using Orleans.Runtime;
using Scheduling.Contracts.Employees;
using Scheduling.Silo.Tests.Harness;
using Scheduling.TestSupport;
using Xunit.Abstractions;

namespace Scheduling.Silo.Tests;

/// <summary>
/// The cluster of DESIGN §6 as operators run it: two API hosts (each co-hosting a silo) and the worker silo as separate
/// processes on one PostgreSQL, one Orleans cluster. One API host is killed with SIGKILL in the middle of a booking storm
/// through both: nothing acknowledged is lost, nothing double-books, every acknowledged booking reaches a webhook receiver,
/// the dead silo is declared dead and its calendars are served by the survivors within 10 s, and a request that meets the
/// outage is answered 503 with Retry-After, never 500 and never after the call timeout.
/// </summary>
public sealed class ClusterFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string StormDay = "2031-06-02";

    // The failover probe books the next Mondays, which the storm leaves free.
    private static readonly DateOnly ProbeDay = new(2031, 6, 9);
    private const int Employees = 8;
    private const int MaxEmployees = 16;
    private const int Storm = 2100;
    private const int KillAfter = Storm / 3;
    private const int Workers = 64;
    private const int Active = 3;
    private const int Dead = 6;

    /// <summary>Orleans' response timeout (SiloMessagingOptions.ResponseTimeout, 30 s) plus a margin for the HTTP round trip.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(35);

    private static readonly TimeSpan FailoverBudget = TimeSpan.FromSeconds(10);

    private readonly string _clusterId = $"failover-{Guid.NewGuid():N}";
    private readonly Stopwatch _clock = new();
    private PostgresTestDatabase _database = null!;
    private NpgsqlDataSource _sql = null!;
    private WebhookSink _receiver = null!;
    private readonly List<ChildProcess> _processes = [];
    private Node _hostA = null!;
    private Node _hostB = null!;
    private Node _worker = null!;
    private HttpClient _a = null!;
    private HttpClient _b = null!;
    private IHost? _orleansClient;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _sql = _database.CreateDataSource();
        _receiver = await WebhookSink.StartAsync();
        var http = LocalPorts.FreeRange(3);
        _hostA = Start("api-a", http, BuildOutput.ApiHostDirectory, "Scheduling.ApiHost.dll", workers: false);
        _hostB = Start("api-b", http + 1, BuildOutput.ApiHostDirectory, "Scheduling.ApiHost.dll", workers: false);
        _worker = Start("worker", http + 2, BuildOutput.SiloDirectory, "Scheduling.Silo.dll", workers: true);

        // Longer than the call timeout: a request that hangs is measured and failed by the test, not cut off by the client.
        _a = new HttpClient { BaseAddress = _hostA.Http, Timeout = TimeSpan.FromSeconds(90) };
        _b = new HttpClient { BaseAddress = _hostB.Http, Timeout = TimeSpan.FromSeconds(90) };
        await Task.WhenAll(WaitReadyAsync(_hostA), WaitReadyAsync(_hostB), WaitReadyAsync(_worker));
    }

    public async Task DisposeAsync()
    {
        // Whatever happened: no process, client or database is left behind.
        foreach (var process in _processes)
        {
            await Quietly(() => process.DisposeAsync().AsTask());
        }

        if (_orleansClient is not null)
        {
            await Quietly(async () =>
            {
                using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _orleansClient.StopAsync(stop.Token);
            });
            _orleansClient.Dispose();
        }

        _a?.Dispose();
        _b?.Dispose();
        if (_receiver is not null)
        {
            await Quietly(() => _receiver.DisposeAsync().AsTask());
        }

        if (_sql is not null)
        {
            await _sql.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task OneApiHostKilledMidStormLosesNoAcknowledgedBookingOrWebhookAndItsCalendarsBookOnTheSurvivorWithinTenSeconds()
    {
        // 1. Three processes, one cluster: three Active silos in the membership table.
        var members = await WaitForMembershipAsync(m => m.Count(r => r.Status == Active) == 3, TimeSpan.FromSeconds(30));
        Assert.Equal(3, members.Count);
        Assert.Equal(
            new[] { _hostA.SiloPort, _hostB.SiloPort, _worker.SiloPort }.Order(),
            members.Where(m => m.Status == Active).Select(m => m.Port).Order());

        // 2. The shop, the webhook, and every calendar touched through both hosts.
        var management = await ConnectManagementAsync();
        var shop = await SetUpAsync(management);
        for (var round = 0; round < 3; round++)
        {
            foreach (var employee in shop.Employees)
            {
                foreach (var http in new[] { _b, _a })
                {
                    await ClusterApi.SendAsync(http, HttpMethod.Get, $"/api/v2/employee/{employee}?session_token={shop.Token}");
                }
            }
        }

        // One activation of each calendar in the whole cluster, asked of every silo's catalog (not of the directory).
        var placement = await CalendarPlacementAsync(management, shop.Employees);
        Assert.All(shop.Employees, e => Assert.True(placement[e].Count == 1, $"calendar {e} has activations on {string.Join(", ", placement[e])}"));
        var onB = shop.Employees.Where(e => placement[e][0] == _hostB.SiloPort).ToHashSet();
        var before = $"calendars before the kill: {string.Join(", ", shop.Employees.Select(e => $"{e}@{Name(placement[e][0])}"))}";
        output.WriteLine(before);

        // Some calendars live on B (SetUpAsync saw to it), so the failover has to move them.
        Assert.True(onB.Count > 0, before);

        // 3. The storm, through both hosts; B is killed with SIGKILL after a third of it. It goes on (past its 2,100 requests
        // if need be) until 2 s after the failover is measured, so the survivor is seen serving it, not only refusing it.
        var outcomes = new ConcurrentBag<Outcome>();
        var killSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var bDown = 0;
        long killedAt = -1;
        long failedOverAt = long.MaxValue;
        var next = -1;
        var failover = Task.Run(async () =>
        {
            await killSignal.Task;
            var result = await KillAndMeasureFailoverAsync(shop, v => Volatile.Write(ref killedAt, v));
            Volatile.Write(ref failedOverAt, _clock.ElapsedMilliseconds);
            return result;
        });
        _clock.Start();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            int n;
            while ((n = Interlocked.Increment(ref next)) < Storm
                || (_clock.ElapsedMilliseconds - 2000 < Volatile.Read(ref failedOverAt) && _clock.Elapsed < TimeSpan.FromSeconds(75)))
            {
                if (n == KillAfter)
                {
                    killSignal.TrySetResult();
                }

                var toB = n % 2 == 1 && Volatile.Read(ref bDown) == 0;
                var group = random.Next(5) == 0;
                var minute = (8 * 60) + (random.Next(24) * 15);
                var outcome = await BookAsync(toB ? 'B' : 'A', toB ? _b : _a, shop, $"Storm {n}", n,
                    shop.Employees[random.Next(shop.Employees.Length)], group ? shop.GroupService : shop.Service, $"{StormDay} {minute / 60:00}:{minute % 60:00}");
                outcomes.Add(outcome);
                if (toB && outcome.Error is not null && Volatile.Read(ref killedAt) >= 0)
                {
                    // Like a load balancer: B refused a connection, so the following requests go to A.
                    Volatile.Write(ref bDown, 1);
                }

                if (outcome.Http == 503)
                {
                    // A client backing off a little (not the whole Retry-After: the storm must go on through the outage).
                    await Task.Delay(100);
                }
            }
        })));
        var stormTime = _clock.Elapsed;
        var measured = await failover.WaitAsync(TimeSpan.FromSeconds(60));

        // 4. What the database holds, what was acknowledged, what the receiver got.
        var all = outcomes.Concat(measured.Probes).ToList();
        var stormCount = outcomes.Count;
        var acknowledged = all.Where(o => o.Code == 0 && o.Http == 200).ToDictionary(o => o.AppointmentId!.Value);
        var rows = await RowsAsync(shop.CompanyId);
        var webhooksFrom = _clock.Elapsed;
        var webhookDeadline = webhooksFrom + TimeSpan.FromSeconds(60);
        while (!rows.Keys.All(_receiver.Created.ContainsKey) && _clock.Elapsed < webhookDeadline)
        {
            await Task.Delay(100);
        }

        var webhooksTook = _clock.Elapsed - webhooksFrom;
        var afterwards = await CalendarPlacementAsync(management, shop.Employees);

        // The figures first, so a failing run still reports them.
        var killed = TimeSpan.FromMilliseconds(killedAt);
        var unanswered = all.Where(o => o.Error is not null).ToList();
        var inFlightAtKill = unanswered.Where(o => o.Host == 'B' && o.StartMs <= killedAt).ToList();
        var unexpected = all.Where(o => !o.Accepted).ToList();
        var slowFromA = all.Where(o => o.Host == 'A' && TimeSpan.FromMilliseconds(o.EndMs - o.StartMs) > CallTimeout).ToList();
        var outage = all.Where(o => o.Http == 503).ToList();
        var rowsWithoutAnswer = rows.Where(r => !acknowledged.ContainsKey(r.Key)).ToList();
        var byClient = all.ToDictionary(o => o.Client);
        var afterFailover = all.Where(o => o.StartMs > failedOverAt).ToList();
        var lateOutage = afterFailover.Where(o => o.Http == 503 && o.StartMs - 1000 > failedOverAt).ToList();
        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"storm: {stormCount} requests in {stormTime.TotalSeconds:0.0} s; B killed (SIGKILL) {killed.TotalSeconds:0.0} s in, with {inFlightAtKill.Count} requests in flight to it")
            .AppendLine(CultureInfo.InvariantCulture, $"B declared Dead in the membership table {Seconds(measured.DeadAfter)} after the kill")
            .AppendLine(CultureInfo.InvariantCulture, $"calendars on B before the kill: {onB.Count} of {shop.Employees.Length}; all {shop.Employees.Length} calendars booked through A within {Seconds(measured.AllBookedAfter)} of the kill")
            .AppendLine(CultureInfo.InvariantCulture, $"  per calendar: {string.Join(", ", shop.Employees.Select(e => $"{e}@{Name(placement[e][0])}: {Seconds(measured.BookedAfter.GetValueOrDefault(e))} ({measured.ProbeAttempts.GetValueOrDefault(e)} tries)"))}")
            .AppendLine(CultureInfo.InvariantCulture, $"answers (host, HTTP, statusCode: count): {string.Join(", ", all.GroupBy(o => (o.Host, o.Http, o.Code)).OrderBy(g => g.Key).Select(g => $"{g.Key.Host} {g.Key.Http} {g.Key.Code}: {g.Count()}"))}")
            .AppendLine(CultureInfo.InvariantCulture, $"acknowledged {acknowledged.Count} (storm {acknowledged.Values.Count(o => o.N >= 0)}, probes {acknowledged.Values.Count(o => o.N < 0)}); refused (9/10) {all.Count(o => o.Code is 9 or 10)}; 503 {outage.Count} (slowest {Ms(outage.Select(o => o.EndMs - o.StartMs).DefaultIfEmpty().Max())}); connection failures {unanswered.Count}")
            .AppendLine(CultureInfo.InvariantCulture, $"after the failover ({TimeSpan.FromMilliseconds(failedOverAt).TotalSeconds:0.0} s in): {afterFailover.Count} requests, {string.Join(", ", afterFailover.GroupBy(o => (o.Http, o.Code)).OrderBy(g => g.Key).Select(g => $"{g.Key.Http} {g.Key.Code}: {g.Count()}"))}; 503 later than 1 s after it: {lateOutage.Count}")
            .AppendLine(CultureInfo.InvariantCulture, $"slowest answer from A: {Ms(all.Where(o => o.Host == 'A').Max(o => o.EndMs - o.StartMs))}")
            .AppendLine(CultureInfo.InvariantCulture, $"rows {rows.Count}; rows without an acknowledgement {rowsWithoutAnswer.Count}: {string.Join("; ", rowsWithoutAnswer.Select(r => byClient.TryGetValue(r.Value, out var o) ? o.ToString() : r.Value))}")
            .AppendLine(CultureInfo.InvariantCulture, $"webhooks: {_receiver.Count} requests, appointment.created for {_receiver.Created.Count} appointments ({acknowledged.Keys.Count(_receiver.Created.ContainsKey)} of {acknowledged.Count} acknowledged, {rows.Keys.Count(_receiver.Created.ContainsKey)} of {rows.Count} rows), {_receiver.Duplicates} duplicates, {webhooksTook.TotalSeconds:0.0} s after the storm")
            .AppendLine(CultureInfo.InvariantCulture, $"calendars after the failover: {string.Join(", ", shop.Employees.Select(e => $"{e}@{string.Join("+", afterwards[e].Select(Name))}"))}")
            .AppendLine(CultureInfo.InvariantCulture, $"A logged {_hostA.Process.Lines.Count(l => l.Contains("met a cluster outage", StringComparison.Ordinal))} cluster outages; errors: A {Errors(_hostA)}, worker {Errors(_worker)}");
        foreach (var odd in unexpected.Take(5))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"unexpected: {odd}");
        }

        output.WriteLine(report.ToString());

        // The outage is answered as one: 0, 9, 10, or 503 with Retry-After; never 500, never past the call timeout.
        Assert.True(unexpected.Count == 0, report.ToString());
        Assert.True(slowFromA.Count == 0, report.ToString());
        Assert.True(lateOutage.Count == 0, report.ToString());
        Assert.All(unanswered, o => Assert.True(o.Host == 'B', $"{o} got no answer\n{report}"));

        // No double booking, and group sessions within their seats.
        Assert.Equal(0L, await ScalarAsync("""
            SELECT count(*) FROM appointments a JOIN appointments b
              ON a.employee_id = b.employee_id AND a.id < b.id
             AND a.status <> 3 AND b.status <> 3
             AND tstzrange(a.start_at, a.block_end) && tstzrange(b.start_at, b.block_end)
             AND a.session_key <> b.session_key
            """));
        Assert.True(await ScalarAsync("SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM appointments WHERE session_key LIKE 'g:%' AND status <> 3 GROUP BY employee_id, session_key) s") <= 3,
            "a group session holds more seats than it has");

        // Every acknowledged booking is stored, under the client who asked for it.
        Assert.All(acknowledged, a => Assert.True(rows.TryGetValue(a.Key, out var client) && client == a.Value.Client, $"acknowledged {a.Value} is not stored\n{report}"));

        // A row nobody acknowledged comes from a request whose answer the kill took away: in flight to B, or answered 503 by A
        // because the grain it called was on B when B died. Never from a request sent after the kill was complete.
        Assert.All(rowsWithoutAnswer, r => Assert.True(
            byClient.TryGetValue(r.Value, out var o) && o.Code != 0 && o.StartMs <= killedAt && (o.Error is not null || o.Http == 503),
            $"row {r.Key} ({r.Value}) was not acknowledged: {(byClient.TryGetValue(r.Value, out var x) ? x : "no such request")}\n{report}"));
        Assert.True(rowsWithoutAnswer.Count <= inFlightAtKill.Count + outage.Count(o => o.StartMs <= killedAt), report.ToString());

        // Every acknowledged booking (and every stored one: B's committed events are delivered by the survivors) reached the receiver.
        Assert.True(acknowledged.Keys.All(_receiver.Created.ContainsKey), report.ToString());
        Assert.True(rows.Keys.All(_receiver.Created.ContainsKey), report.ToString());

        // Failover: B Dead, and every calendar (B's too) booked through A, within 10 s of the kill; one activation each after it.
        Assert.True(measured.DeadAfter <= FailoverBudget, report.ToString());
        Assert.True(measured.AllBookedAfter <= FailoverBudget, report.ToString());
        Assert.All(shop.Employees, e => Assert.True(afterwards[e].Count == 1 && afterwards[e][0] != _hostB.SiloPort, report.ToString()));
        var final = await MembershipAsync();
        Assert.Equal(Dead, final.Single(m => m.Port == _hostB.SiloPort).Status);
        Assert.All(final.Where(m => m.Port != _hostB.SiloPort), m => Assert.Equal(Active, m.Status));
    }

    /// <summary>
    /// Kills B, then measures in parallel how long until the membership table says B is Dead, and how long until A books
    /// on every calendar (a free slot on a probe day, a new slot on each try so that an attempt that was stored although
    /// its answer was lost cannot block the next).
    /// </summary>
    private async Task<Failover> KillAndMeasureFailoverAsync(Shop shop, Action<long> killed)
    {
        await _hostB.Process.KillAsync(TimeSpan.FromSeconds(10));
        var killedAt = _clock.ElapsedMilliseconds;
        killed(killedAt);

        var dead = Task.Run(async () =>
        {
            while (_clock.ElapsedMilliseconds - killedAt < 60_000)
            {
                if ((await MembershipAsync()).Any(m => m.Port == _hostB.SiloPort && m.Status == Dead))
                {
                    return TimeSpan.FromMilliseconds(_clock.ElapsedMilliseconds - killedAt);
                }

                await Task.Delay(50);
            }

            return TimeSpan.MaxValue;
        });
        var probes = new ConcurrentBag<Outcome>();
        var attempts = new ConcurrentDictionary<long, int>();
        var booked = await Task.WhenAll(shop.Employees.Select((employee, index) => Task.Run(async () =>
        {
            for (var attempt = 0; _clock.ElapsedMilliseconds - killedAt < 45_000; attempt++)
            {
                attempts[employee] = attempt + 1;
                var day = ProbeDay.AddDays(7 * (attempt / 12));
                var minute = (8 * 60) + (30 * (attempt % 12));
                var outcome = await BookAsync('A', _a, shop, $"Probe {index}-{attempt}", -1, employee, shop.Service,
                    $"{day:yyyy-MM-dd} {minute / 60:00}:{minute % 60:00}");
                probes.Add(outcome);
                if (outcome is { Http: 200, Code: 0 })
                {
                    return (employee, TimeSpan.FromMilliseconds(outcome.EndMs - killedAt));
                }

                await Task.Delay(50);
            }

            return (employee, TimeSpan.MaxValue);
        })));
        return new Failover(
            await dead,
            booked.Max(b => b.Item2),
            booked.ToDictionary(b => b.employee, b => b.Item2),
            attempts.ToDictionary(),
            [.. probes]);
    }

    private async Task<Outcome> BookAsync(char host, HttpClient http, Shop shop, string client, int n, long employee, long service, string start)
    {
        var started = _clock.ElapsedMilliseconds;
        try
        {
            using var response = await http.PostAsJsonAsync($"/api/v2/appointment?session_token={shop.Token}", new
            {
                employee_id = employee,
                location_id = shop.Location,
                service_id = service,
                start_date = start,
                client_name = client,
                client_email = $"client{Math.Abs(n) % 300}@failover.test",
            });
            var text = await response.Content.ReadAsStringAsync();
            var ended = _clock.ElapsedMilliseconds;
            int code;
            long? id = null;
            string description;
            try
            {
                var envelope = JsonDocument.Parse(text).RootElement;
                code = envelope.GetProperty("statusCode").GetInt32();
                description = envelope.TryGetProperty("statusDescription", out var d) ? d.GetString() ?? "" : "";
                if (code == 0)
                {
                    id = envelope.GetProperty("data").GetProperty("id").GetInt64();
                }
            }
            catch (JsonException)
            {
                code = -1;
                description = text;
            }

            return new Outcome(n, host, client, started, ended, (int)response.StatusCode, code, id,
                response.Headers.RetryAfter?.Delta, description, null);
        }
        catch (HttpRequestException ex)
        {
            return new Outcome(n, host, client, started, _clock.ElapsedMilliseconds, 0, -1, null, null, "", $"{ex.HttpRequestError}: {ex.Message}");
        }
        catch (TaskCanceledException ex)
        {
            return new Outcome(n, host, client, started, _clock.ElapsedMilliseconds, 0, -1, null, null, "", $"timed out: {ex.Message}");
        }
    }

    /// <summary>
    /// Account, location, two services, employees with Monday hours, a webhook to the receiver. Orleans' resource-optimized
    /// placement puts a new calendar on a silo of its choosing (often, not always, the one that created it): employees beyond
    /// the first eight are created through B until at least two calendars live on B, so the failover has some to move.
    /// </summary>
    private async Task<Shop> SetUpAsync(IManagementGrain management)
    {
        var (companyId, nick, token, location, service, groupService) = await ClusterApi.OpenAccountAsync(_a, _b, "Failover", groupSeats: 3);
        var ids = new List<long>();
        var onB = 0;
        for (var i = 0; i < MaxEmployees && (i < Employees || onB < 2); i++)
        {
            var through = i >= Employees || i % 2 == 1 ? _b : _a;
            var id = ClusterApi.Id(await ClusterApi.SendAsync(through, HttpMethod.Post, $"/api/v2/employee?session_token={token}", new { first_name = $"E{i}", last_name = "Failover", email = $"e{i}-{nick}@failover.test" }));
            await ClusterApi.SendAsync(through == _a ? _b : _a, HttpMethod.Put, $"/api/v2/employee/{id}/assignAvailability?session_token={token}", new
            {
                availabilities = new[] { new { repeat = 1, type = 0, location_id = location, days = new { mo = new { time = new[] { new[] { "08:00", "14:00" } } } } } },
            });
            ids.Add(id);
            onB += (await CalendarPlacementAsync(management, [id]))[id].Count(port => port == _hostB.SiloPort);
        }

        await ClusterApi.SendAsync(_b, HttpMethod.Post, $"/api/v2/location/assignServices?location_id={location}&session_token={token}",
            ids.ToDictionary(e => e.ToString(CultureInfo.InvariantCulture), _ => new[] { service, groupService }));

        // Every event to the in-test receiver; the worker silo delivers them.
        await ClusterApi.SendAsync(_a, HttpMethod.Post, $"/api/v2/subscribe?session_token={token}", new { target_url = _receiver.Url, events = new[] { "*" } });
        return new Shop(companyId, token, location, service, groupService, [.. ids]);
    }

    /// <summary>An Orleans client of the cluster in this process, for the management grain: which silo holds which activation.</summary>
    private async Task<IManagementGrain> ConnectManagementAsync()
    {
        _orleansClient = Host.CreateDefaultBuilder()
            .UseOrleansClient(client =>
            {
                client.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = _clusterId;
                    o.ServiceId = "scheduling";
                });
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = "Npgsql";
                    o.ConnectionString = _database.ConnectionString;
                });
            })
            // Not the appsettings.json that the referenced ApiHost/Silo projects copy next to the tests.
            .ConfigureAppConfiguration(configuration => configuration.Sources.Clear())
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Error))
            .Build();
        await _orleansClient.StartAsync();
        return _orleansClient.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
    }

    /// <summary>For each calendar, the silo ports of its activations, asked of every active silo's catalog.</summary>
    private async Task<Dictionary<long, List<int>>> CalendarPlacementAsync(IManagementGrain management, long[] employees)
    {
        var factory = _orleansClient!.Services.GetRequiredService<IClusterClient>();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var statistics = await management.GetDetailedGrainStatistics(null, null);
                return employees.ToDictionary(
                    e => e,
                    e =>
                    {
                        var id = factory.GetGrain<ICalendarGrain>(e).GetGrainId();
                        return statistics.Where(s => s.GrainId == id).Select(s => s.SiloAddress.Endpoint.Port).ToList();
                    });
            }
            catch (Exception ex) when (attempt < 5 && ex is not Xunit.Sdk.XunitException)
            {
                // The client's gateway was the killed silo: it moves to another one.
                await Task.Delay(500);
            }
        }
    }

    private async Task<List<Member>> WaitForMembershipAsync(Func<List<Member>, bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var members = await MembershipAsync();
            if (condition(members))
            {
                return members;
            }

            Assert.True(deadline.Elapsed < timeout, $"membership after {timeout}: {string.Join(", ", members)}");
            Assert.All(_processes, p => Assert.False(p.HasExited, "a silo exited:\n" + p.Output));
            await Task.Delay(100);
        }
    }

    private async Task<List<Member>> MembershipAsync()
    {
        await using var command = _sql.CreateCommand("SELECT port, status, silo_name FROM orleans_membership WHERE deployment_id = @cluster");
        command.Parameters.AddWithValue("cluster", _clusterId);
        var members = new List<Member>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                members.Add(new Member(reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2)));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // Not migrated yet.
        }

        return members;
    }

    /// <summary>The company's appointments: id -> the client name the booking was made for.</summary>
    private async Task<Dictionary<long, string>> RowsAsync(long companyId)
    {
        await using var command = _sql.CreateCommand("SELECT id, data->>'client_name' FROM appointments WHERE company_id = @company");
        command.Parameters.AddWithValue("company", companyId);
        var rows = new Dictionary<long, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetInt64(0), reader.IsDBNull(1) ? "" : reader.GetString(1));
        }

        return rows;
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var command = _sql.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private Node Start(string name, int httpPort, string directory, string dll, bool workers)
    {
        var path = Path.Combine(directory, dll);
        Assert.True(File.Exists(path), $"{path} is not built");
        var siloPort = FreePorts.Next();
        var process = ChildProcess.Start("dotnet", [path, "--urls", $"http://127.0.0.1:{httpPort}"], directory, new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = _database.ConnectionString,
            ["Orleans__ClusterId"] = _clusterId,
            ["Orleans__SiloName"] = name,
            ["Orleans__Endpoints__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans__Endpoints__GatewayPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            ["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1",
            ["Workers__SiloName"] = name,
            ["Workers__Enabled"] = workers ? "true" : "false",
            ["Webhooks__AllowPrivateTargets"] = "true",
            ["Demo__Enabled"] = "false",
            ["RateLimits__PerCompanyPerSecond"] = "1000000",
            ["RateLimits__PerCompanyBurst"] = "1000000",
            ["RateLimits__AnonymousPerSecond"] = "1000",
            ["RateLimits__AnonymousBurst"] = "1000",
            ["Logging__LogLevel__Default"] = "Warning",
        });
        _processes.Add(process);
        return new Node(name, process, new Uri($"http://127.0.0.1:{httpPort}"), siloPort);
    }

    private static async Task WaitReadyAsync(Node silo)
    {
        using var http = new HttpClient { BaseAddress = silo.Http, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            Assert.False(silo.Process.HasExited, $"{silo.Name} exited:\n{silo.Process.Output}");
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }

        Assert.Fail($"{silo.Name} did not become ready:\n{silo.Process.Output}");
    }


    private string Name(int siloPort) =>
        siloPort == _hostA.SiloPort ? "A" : siloPort == _hostB.SiloPort ? "B" : siloPort == _worker.SiloPort ? "worker" : siloPort.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan time) => time == TimeSpan.MaxValue ? "never" : $"{time.TotalSeconds:0.00} s";

    private static string Ms(long ms) => $"{ms / 1000.0:0.00} s";

    private static string Errors(Node silo)
    {
        // The console formatter writes "fail: Category[event]" and the message on the next line.
        var all = silo.Process.Lines;
        var lines = all.Select((line, i) => (line, i))
            .Where(l => l.line.StartsWith("fail:", StringComparison.Ordinal) || l.line.StartsWith("crit:", StringComparison.Ordinal))
            .Select(l => l.i + 1 < all.Count ? $"{l.line} {all[l.i + 1].Trim()}" : l.line)
            .ToList();
        return lines.Count == 0 ? "none" : $"{lines.Count} ({string.Join(" | ", lines.Distinct().Take(3))})";
    }

    private static async Task Quietly(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception)
        {
            // Cleaning up: the next resource must still be released.
        }
    }

    private sealed record Node(string Name, ChildProcess Process, Uri Http, int SiloPort);

    private sealed record Member(int Port, int Status, string Name);

    private sealed record Shop(long CompanyId, string Token, long Location, long Service, long GroupService, long[] Employees);

    private sealed record Failover(
        TimeSpan DeadAfter,
        TimeSpan AllBookedAfter,
        Dictionary<long, TimeSpan> BookedAfter,
        Dictionary<long, int> ProbeAttempts,
        IReadOnlyList<Outcome> Probes);

    /// <summary>One booking request: storm number (-1 for a failover probe), host, times on the test's clock, the answer or why there was none.</summary>
    private sealed record Outcome(int N, char Host, string Client, long StartMs, long EndMs, int Http, int Code, long? AppointmentId, TimeSpan? RetryAfter, string Description, string? Error)
    {
        /// <summary>Booked, taken (10), no longer offered (9), or 503 with Retry-After that says so in the envelope; or no answer at all from B (checked apart).</summary>
        public bool Accepted => Error is not null
            || (Http == 200 && Code == 0)
            || (Code is 9 or 10 && Http is 409 or 422)
            || (Http == 503 && RetryAfter is { } wait && wait > TimeSpan.Zero && Description.Contains("retry after", StringComparison.Ordinal));
    }

    /// <summary>
    /// A real webhook receiver: Kestrel on 127.0.0.1, an OS-chosen port. Answers 200 to everything and keeps, per
    /// appointment, the appointment.created events that came for it (at-least-once: duplicates counted, not failed).
    /// </summary>
    private sealed class WebhookSink : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<long, int> _created = new();
        private readonly WebApplication _app;
        private int _count;
        private int _duplicates;

        private WebhookSink(WebApplication app)
        {
            _app = app;
            app.Run(HandleAsync);
        }

        public string Url { get; private set; } = "";

        public int Count => Volatile.Read(ref _count);

        public int Duplicates => Volatile.Read(ref _duplicates);

        /// <summary>Appointment id -> how many appointment.created events arrived for it.</summary>
        public IReadOnlyDictionary<long, int> Created => _created;

        public static async Task<WebhookSink> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            var sink = new WebhookSink(builder.Build());
            await sink._app.StartAsync();
            sink.Url = sink._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks";
            return sink;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        private async Task HandleAsync(HttpContext context)
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement;
            Interlocked.Increment(ref _count);
            if (context.Request.Headers["webhook-id"].FirstOrDefault() is { Length: > 0 } eventId
                && eventId == body.GetProperty("id").GetString()
                && body.GetProperty("type").GetString() == "appointment.created")
            {
                var id = body.GetProperty("data").GetProperty("id");
                var appointment = id.ValueKind == JsonValueKind.Number ? id.GetInt64() : long.Parse(id.GetString()!, CultureInfo.InvariantCulture);
                if (_created.AddOrUpdate(appointment, 1, (_, n) => n + 1) > 1)
                {
                    Interlocked.Increment(ref _duplicates);
                }
            }

            context.Response.StatusCode = 200;
            await context.Response.WriteAsync("thanks");
        }
    }
}
