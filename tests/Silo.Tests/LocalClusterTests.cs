using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Scheduling.Silo.Tests.Harness;
using Scheduling.TestSupport;

namespace Scheduling.Silo.Tests;

/// <summary>
/// scripts/cluster-local.sh brings up the docker-compose topology without Docker - two API hosts and a
/// worker silo on one PostgreSQL database, nginx in front - and a client uses it only through nginx.
/// </summary>
public sealed class LocalClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(10);

    private readonly int _basePort = LocalPorts.FreeRange(4);

    // Silo ports +0..+2, gateways +10..+12.
    private readonly int _orleansPort = LocalPorts.FreeRange(13);
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("scheduling-cluster-test-");
    private PostgresTestDatabase _database = null!;

    private Uri Nginx => new($"http://127.0.0.1:{_basePort}");

    private string ApiHost1 => $"127.0.0.1:{_basePort + 1}";

    private string ApiHost2 => $"127.0.0.1:{_basePort + 2}";

    private Uri WorkerHealth => new($"http://127.0.0.1:{_basePort + 3}/health/ready");

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        // Whatever the test did, nothing it started outlives it.
        await ScriptAsync("stop", TimeSpan.FromMinutes(3));
        await _database.DisposeAsync();
        _state.Delete(recursive: true);
    }

    [Fact]
    public async Task ClusterServesThroughNginxFromBothApiHostsWithSessionsSharedAcrossSilosAndStopsCleanly()
    {
        var start = await ScriptAsync("start", s_startTimeout);
        Assert.True(start.ExitCode == 0, $"cluster-local.sh start failed:\n{start.Output}\n{Logs()}");
        using var http = new HttpClient { BaseAddress = Nginx };

        // Requests without an employee or provider id are spread over both API hosts.
        var upstreams = new HashSet<string>();
        for (var i = 0; i < 10; i++)
        {
            var response = await http.GetAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            upstreams.Add(Upstream(response));
        }

        Assert.Equal([ApiHost1, ApiHost2], upstreams.Order(StringComparer.Ordinal));

        // Requests about one employee stick to one host (cache affinity only).
        var affine = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            affine.Add(Upstream(await http.GetAsync("/health/live?employee_id=4242")));
        }

        Assert.Single(affine);

        // An account signed up through nginx authenticates, and its session (a grain on PostgreSQL) is
        // honoured by whichever API host serves the next request.
        var nick = $"cluster{Guid.NewGuid():N}"[..20];
        var signUp = await ReadAsync(await http.PostAsJsonAsync("/api/v2/account", new
        {
            company_name = "Cluster", nick_name = nick, email = $"{nick}@example.test", password = "correct horse battery",
        }));
        Assert.Equal(0, signUp.GetProperty("statusCode").GetInt32());
        var companyId = signUp.GetProperty("data").GetProperty("company_id").GetInt64();
        var apiKey = signUp.GetProperty("data").GetProperty("api_key").GetString()!;
        var auth = await ReadAsync(await http.PostAsync($"/api/v2/account/authenticate?email={nick}@example.test&token={Uri.EscapeDataString(apiKey)}", null));
        Assert.Equal(0, auth.GetProperty("statusCode").GetInt32());
        var token = auth.GetProperty("data").GetProperty("session_token").GetString()!;

        var servedBy = new HashSet<string>();
        for (var i = 0; i < 6; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v2/account");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var response = await http.SendAsync(request);
            var account = await ReadAsync(response);
            Assert.Equal(0, account.GetProperty("statusCode").GetInt32());
            Assert.Equal(companyId, account.GetProperty("data").GetProperty("company_id").GetInt64());
            servedBy.Add(Upstream(response));
        }

        Assert.Equal(2, servedBy.Count);

        // The worker silo runs the background workers on the same database.
        using (var worker = await http.GetAsync(WorkerHealth))
        {
            var health = JsonDocument.Parse(await worker.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(HttpStatusCode.OK, worker.StatusCode);
            Assert.True(health.GetProperty("workers").GetBoolean());
        }

        // A booking through nginx: the shop is set up through whichever host nginx picks, the booking lands in
        // PostgreSQL, and both API hosts then see the appointment and no longer offer its time.
        using var owner = new HttpClient { BaseAddress = Nginx };
        owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var service = await IdAsync(owner, HttpMethod.Post, "/api/v2/service", new { name = "Cut", duration = 60, price = 10 });
        var employee = await IdAsync(owner, HttpMethod.Post, "/api/v2/employee", new { first_name = "Ann", last_name = "Lee", email = $"ann-{nick}@example.test" });
        var location = await IdAsync(owner, HttpMethod.Post, "/api/v2/location", new { name = "Main" });
        await OkAsync(owner, HttpMethod.Post, $"/api/v2/location/assignServices?location_id={location}", new Dictionary<string, long[]> { [$"{employee}"] = [service] });
        await OkAsync(owner, HttpMethod.Put, $"/api/v2/employee/{employee}/assignAvailability", new
        {
            availabilities = new[] { new { repeat = 1, location_id = location, days = EveryDay } },
        });
        // A webhook receiver on this machine (private targets are allowed for this cluster): the API hosts run
        // without workers, so whatever it receives was sent by the worker silo.
        using var receiver = new HttpListener();
        var receiverPort = LocalPorts.FreeRange(1);
        receiver.Prefixes.Add($"http://127.0.0.1:{receiverPort}/");
        receiver.Start();
        var hook = await OkAsync(owner, HttpMethod.Post, "/api/v2/subscribe", new { target_url = $"http://127.0.0.1:{receiverPort}/hook", events = new[] { "appointment.created" } });
        Assert.StartsWith("whsec_", hook.GetProperty("verification_key").GetString(), StringComparison.Ordinal);

        var day = DateTime.UtcNow.Date.AddDays(14).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var booking = await OkAsync(owner, HttpMethod.Post, "/api/v2/appointment", new
        {
            service_id = service, location_id = location, employee_id = employee, start_date = $"{day} 10:00",
            client_email = "kim@example.test", client_name = "Kim Park",
        });
        var appointment = booking.GetProperty("id").GetInt64();
        Assert.Equal($"{day} 10:00", booking.GetProperty("start_date").GetString());
        foreach (var host in new[] { ApiHost1, ApiHost2 })
        {
            using var direct = new HttpClient { BaseAddress = new Uri($"http://{host}") };
            direct.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var read = await OkAsync(direct, HttpMethod.Get, $"/api/v2/appointment/{appointment}", null);
            Assert.Equal(employee, read[0].GetProperty("employee_id").GetInt64());
            var times = (await OkAsync(direct, HttpMethod.Get, $"/api/v2/availability?service_id={service}&location_id={location}&start_date={day}&t=daily&return=times", null))
                .GetProperty("times").GetProperty(day).EnumerateArray().Select(t => t.GetString()).ToList();
            Assert.DoesNotContain("10:00:00", times);
            Assert.Contains("11:00:00", times);
        }

        // The worker silo delivers the booking's webhook, signed, with the appointment as its data.
        var delivery = await ReceiveAsync(receiver, TimeSpan.FromSeconds(60));
        Assert.Equal("appointment.created", delivery.Body.GetProperty("type").GetString());
        Assert.Equal(appointment, delivery.Body.GetProperty("data").GetProperty("id").GetInt64());
        Assert.Equal(companyId, delivery.Body.GetProperty("company_id").GetInt64());
        Assert.StartsWith("v1,", delivery.Signature, StringComparison.Ordinal);

        var status = await ScriptAsync("status", TimeSpan.FromMinutes(1));
        Assert.True(status.ExitCode == 0, status.Output);

        var stop = await ScriptAsync("stop", TimeSpan.FromMinutes(3));
        Assert.True(stop.ExitCode == 0, stop.Output);
        var stopped = await ScriptAsync("status", TimeSpan.FromMinutes(1));
        Assert.NotEqual(0, stopped.ExitCode);
        Assert.Equal(4, stopped.Lines.Count(l => l.EndsWith(" stopped", StringComparison.Ordinal)));

        // Each silo went through its graceful stop instead of being killed.
        foreach (var silo in new[] { "apihost1", "apihost2", "silo" })
        {
            Assert.Contains("stopping within", File.ReadAllText(Path.Combine(_state.FullName, "logs", $"{silo}.log")), StringComparison.Ordinal);
        }
    }

    /// <summary>Every day 09:00-17:00 (assignAvailability's day map).</summary>
    private static readonly Dictionary<string, object> EveryDay = new[] { "mo", "tu", "we", "th", "fr", "sa", "su" }
        .ToDictionary(d => d, _ => (object)new { time = new[] { new[] { "09:00", "17:00" } } });

    private static async Task<JsonElement> OkAsync(HttpClient http, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        var envelope = await ReadAsync(await http.SendAsync(request));
        Assert.True(envelope.GetProperty("statusCode").GetInt32() == 0, $"{method} {path}: {envelope}");
        return envelope.GetProperty("data");
    }

    /// <summary>The id of what a POST created (catalog creates answer a one-element list).</summary>
    private static async Task<long> IdAsync(HttpClient http, HttpMethod method, string path, object body)
    {
        var data = await OkAsync(http, method, path, body);
        return (data.ValueKind == JsonValueKind.Array ? data[0] : data).GetProperty("id").GetInt64();
    }

    /// <summary>The next POST the receiver gets (answered 204), or a failure after <paramref name="timeout"/>.</summary>
    private static async Task<(JsonElement Body, string Signature)> ReceiveAsync(HttpListener receiver, TimeSpan timeout)
    {
        var next = receiver.GetContextAsync();
        Assert.True(await Task.WhenAny(next, Task.Delay(timeout)) == next, $"no webhook arrived within {timeout}");
        var context = await next;
        using var reader = new StreamReader(context.Request.InputStream);
        var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone();
        var signature = context.Request.Headers["webhook-signature"] ?? string.Empty;
        context.Response.StatusCode = 204;
        context.Response.Close();
        return (body, signature);
    }

    private static string Upstream(HttpResponseMessage response) =>
        response.Headers.TryGetValues("X-Upstream", out var values) ? values.Single() : "(no X-Upstream header)";

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    private async Task<ChildProcess> ScriptAsync(string command, TimeSpan timeout) =>
        await ChildProcess.RunAsync(
            "bash",
            [RepositoryPaths.Combine("scripts", "cluster-local.sh"), command],
            RepositoryPaths.Root,
            timeout,
            new Dictionary<string, string>
            {
                ["CLUSTER_DIR"] = _state.FullName,
                ["CLUSTER_BASE_PORT"] = _basePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["CLUSTER_ORLEANS_PORT"] = _orleansPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["CLUSTER_ID"] = $"local-test-{Guid.NewGuid():N}",
                ["CLUSTER_POSTGRES"] = _database.ConnectionString,
                // The build the tests run from; the script builds nothing then, and needs no second configuration.
                ["CLUSTER_CONFIGURATION"] = BuildOutput.Configuration,
                ["CLUSTER_BUILD"] = "0",
                // The test's webhook receiver listens on loopback.
                ["CLUSTER_EXTRA_ARGS"] = "--Webhooks:AllowPrivateTargets=true",
            });

    private string Logs()
    {
        var logs = Path.Combine(_state.FullName, "logs");
        return Directory.Exists(logs)
            ? string.Join('\n', Directory.GetFiles(logs).Select(f => $"---- {Path.GetFileName(f)}\n{string.Join('\n', File.ReadLines(f).TakeLast(40))}"))
            : "(no logs)";
    }
}
