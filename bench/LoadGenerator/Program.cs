using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

// Usage: LoadGenerator --url http://127.0.0.1:5080 --scenario availability|bookings|contention|newuser
//        [--seconds 10] [--connections 32] [--employees 1000] [--appointments 200] [--setup-only FILE]
//        [--server-pid PID]   (Linux: also prints the CPU time per request of the server, PostgreSQL, this generator)
var options = Options.Parse(args);
using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = options.Connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
using var http = new HttpClient(handler) { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromSeconds(30) };

Console.WriteLine($"setting up: {options.Employees} employees, scenario {options.Scenario} ...");
var shop = await Shop.CreateAsync(http, options);
Console.WriteLine($"set up in {shop.SetupTime.TotalSeconds:F1} s (company {shop.CompanyId})");

if (options.SetupFile is { } setupFile)
{
    // For wrk: the ids its Lua scripts pick from (bench/wrk/*.lua).
    await File.WriteAllTextAsync(setupFile, string.Join('\n', new[] { shop.Token, $"{shop.Location}", $"{shop.Service}", $"{shop.FirstDay:yyyy-MM-dd}" }.Concat(shop.Employees.Select(e => $"{e}"))) + "\n");
    Console.WriteLine($"setup written to {setupFile}");
    return 0;
}

var result = options.Scenario switch
{
    "availability" => await Load.RunAsync(options, (worker, random) => Scenarios.AvailabilityAsync(http, shop, random)),
    "bookings" => await Load.RunAsync(options, (worker, random) => Scenarios.BookingAsync(http, shop, random)),
    "contention" => await Load.RunAsync(options, (worker, random) => Scenarios.ContentionAsync(http, shop, random)),
    "newuser" => await Load.RunAsync(options, (worker, random) => Scenarios.NewClientBookingAsync(http, shop, random)),
    _ => throw new ArgumentException($"unknown scenario {options.Scenario}"),
};
result.Print(options);
return result.Failures > result.Requests / 100 ? 1 : 0;

/// <summary>Command-line settings.</summary>
internal sealed record Options(string Url, string Scenario, double Seconds, int Connections, int Employees, int Appointments, string? SetupFile, int? ServerPid)
{
    public static Options Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        return new Options(
            Get("url", "http://127.0.0.1:5080"),
            Get("scenario", "availability"),
            double.Parse(Get("seconds", "10"), CultureInfo.InvariantCulture),
            int.Parse(Get("connections", "32"), CultureInfo.InvariantCulture),
            int.Parse(Get("employees", "1000"), CultureInfo.InvariantCulture),
            int.Parse(Get("appointments", "0"), CultureInfo.InvariantCulture),
            Get("setup-only", string.Empty) is { Length: > 0 } file ? file : null,
            Get("server-pid", string.Empty) is { Length: > 0 } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null);
    }
}

/// <summary>Runs one request kind on N connections for the given time; latencies per request.</summary>
internal static class Load
{
    public static async Task<LoadResult> RunAsync(Options options, Func<int, Random, Task<int>> request)
    {
        // Warm-up: JIT, connections, grain activations.
        var warm = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(async w =>
        {
            var random = new Random(10_000 + w);
            while (warm.Elapsed < TimeSpan.FromSeconds(Math.Min(3, options.Seconds / 3)))
            {
                await request(w, random);
            }
        }));

        var latencies = new List<double>[options.Connections];
        var statuses = new Dictionary<int, int>[options.Connections];
        var cpuBefore = options.ServerPid is { } serverPid ? CpuTimes.Read(serverPid) : null;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var mine = latencies[w] = new List<double>(1 << 16);
            var counts = statuses[w] = [];
            while (clock.Elapsed.TotalSeconds < options.Seconds)
            {
                var start = Stopwatch.GetTimestamp();
                int status;
                try
                {
                    status = await request(w, random);
                }
                catch (Exception)
                {
                    status = -1;
                }

                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                counts[status] = counts.GetValueOrDefault(status) + 1;
            }
        })));
        var elapsed = clock.Elapsed;
        var cpu = cpuBefore is null ? null : CpuTimes.Read(options.ServerPid!.Value) - cpuBefore;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var byStatus = statuses.SelectMany(s => s).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Sum(p => p.Value));
        return new LoadResult(all, elapsed, byStatus, cpu);
    }
}

internal sealed record LoadResult(double[] Latencies, TimeSpan Elapsed, Dictionary<int, int> ByStatus, CpuTimes? Cpu)
{
    public int Requests => Latencies.Length;

    /// <summary>Transport errors and 5xx; 409 SLOT_OCCUPIED is an expected answer under contention.</summary>
    public int Failures => ByStatus.Where(p => p.Key is -1 or >= 500).Sum(p => p.Value);

    public void Print(Options options)
    {
        double P(double q) => Latencies.Length == 0 ? 0 : Latencies[Math.Min(Latencies.Length - 1, (int)(Latencies.Length * q))];
        Console.WriteLine($"scenario {options.Scenario}: {Requests / Elapsed.TotalSeconds:N0} req/s over {Elapsed.TotalSeconds:F1} s on {options.Connections} connections; "
            + $"p50 {P(0.50):F2} ms, p99 {P(0.99):F2} ms, max {P(1):F1} ms");
        Console.WriteLine("  by envelope statusCode (-1 = transport error): "
            + string.Join(", ", ByStatus.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value:N0}")));
        if (Cpu is { } cpu && Requests > 0)
        {
            string PerRequest(TimeSpan time) => $"{time.TotalMicroseconds / Requests:F0} µs";
            Console.WriteLine($"  CPU per request: server {PerRequest(cpu.Server)}, PostgreSQL {PerRequest(cpu.Postgres)}, "
                + $"load generator {PerRequest(cpu.Generator)}, whole machine {PerRequest(cpu.Machine)}");
        }
    }
}

/// <summary>
/// CPU time used so far (Linux, /proc) by the server, by every PostgreSQL process, by this generator and by the whole
/// machine: the difference of two readings divided by the requests made between them is what a request costs, a figure
/// that varies less from run to run than the throughput on a machine whose speed swings.
/// </summary>
internal sealed record CpuTimes(TimeSpan Server, TimeSpan Postgres, TimeSpan Generator, TimeSpan Machine)
{
    // USER_HZ, the unit of /proc's CPU times: 100 on every Linux this runs on.
    private const double TicksPerSecond = 100;

    public static CpuTimes Read(int serverPid)
    {
        var postgres = 0L;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && ProcessTicks(pid) is { Comm: "postgres" } process)
            {
                postgres += process.Ticks;
            }
        }

        // The first line of /proc/stat: cpu user nice system idle iowait irq softirq steal ...; busy is user, nice,
        // system, irq and softirq (steal is another guest's).
        var machine = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..8]
            .Select(field => long.Parse(field, CultureInfo.InvariantCulture)).Where((_, i) => i is not (3 or 4)).Sum();
        return new CpuTimes(
            Ticks(ProcessTicks(serverPid)?.Ticks ?? throw new ArgumentException($"no process {serverPid}")),
            Ticks(postgres),
            Process.GetCurrentProcess().TotalProcessorTime,
            Ticks(machine));
    }

    public static CpuTimes operator -(CpuTimes after, CpuTimes before) => new(
        after.Server - before.Server, after.Postgres - before.Postgres, after.Generator - before.Generator, after.Machine - before.Machine);

    private static TimeSpan Ticks(long ticks) => TimeSpan.FromSeconds(ticks / TicksPerSecond);

    // A process's command name and user + system ticks (fields 2, 14 and 15 of /proc/PID/stat); null once it is gone.
    private static (string Comm, long Ticks)? ProcessTicks(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        var open = stat.IndexOf('(', StringComparison.Ordinal);
        var close = stat.LastIndexOf(')');
        var fields = stat[(close + 2)..].Split(' ');
        return (stat[(open + 1)..close], long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture));
    }
}

/// <summary>An account with a location, services and employees with working hours, built through the API.</summary>
internal sealed record Shop(long CompanyId, string Token, long Location, long Service, long[] Employees, DateOnly FirstDay, TimeSpan SetupTime)
{
    public const int Days = 28;

    /// <summary>How far ahead the bookings scenario books: a year of half hours keeps it to little contention however long it runs.</summary>
    public const int BookingDays = 364;

    public static async Task<Shop> CreateAsync(HttpClient http, Options options)
    {
        var clock = Stopwatch.StartNew();
        var nick = $"bench{Guid.NewGuid():N}"[..20];
        var email = $"{nick}@bench.example";
        var account = await Api.SendAsync(http, HttpMethod.Post, "/api/v2/account", new { company_name = "Bench", nick_name = nick, email, password = "bench-password-1" });
        var session = await Api.SendAsync(http, HttpMethod.Post, "/api/v2/account/authenticate", new { email, token = account.GetProperty("api_key").GetString() });
        var token = session.GetProperty("session_token").GetString()!;

        // Like an integration that sends its own messages: no appointment e-mails (each booking would otherwise
        // write two .eml files on the embedded default, and the setup's bookings would keep the disk busy). The new
        // user's scenario keeps the defaults: appointment e-mails on.
        if (options.Scenario != "newuser")
        {
            await Api.SendAsync(http, HttpMethod.Post, $"/api/v2/account/saveOptions?session_token={token}", new { widget_send_client_emails = 0, widget_send_provider_emails = 0 });
        }

        var location = Api.Id(await Api.SendAsync(http, HttpMethod.Post, $"/api/v2/location?session_token={token}", new { name = "Bench", timezone_id = 553 }));
        var service = Api.Id(await Api.SendAsync(http, HttpMethod.Post, $"/api/v2/service?session_token={token}", new { name = "Visit", duration = 30 }));

        var week = new { mo = Day(), tu = Day(), we = Day(), th = Day(), fr = Day(), sa = Day(), su = Day() };
        var employees = new long[options.Employees];
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next) - 1) < employees.Length)
            {
                var id = Api.Id(await Api.SendAsync(http, HttpMethod.Post, $"/api/v2/employee?session_token={token}",
                    new { first_name = $"E{i}", last_name = "Bench", email = $"e{i}-{nick}@bench.example" }));
                await Api.SendAsync(http, HttpMethod.Put, $"/api/v2/employee/{id}/assignAvailability?session_token={token}",
                    new { availabilities = new[] { new { repeat = 1, type = 0, location_id = location, days = week } } });
                employees[i] = id;
            }
        }));

        // Link every employee to the service at the location, in batches.
        foreach (var chunk in employees.Chunk(200))
        {
            await Api.SendAsync(http, HttpMethod.Post, $"/api/v2/location/assignServices?location_id={location}&session_token={token}",
                chunk.ToDictionary(e => e.ToString(CultureInfo.InvariantCulture), _ => new[] { service }));
        }

        var firstDay = DateOnly.FromDateTime(DateTime.UtcNow.Date.AddDays(2));
        var shop = new Shop(account.GetProperty("company_id").GetInt64(), token, location, service, employees, firstDay, TimeSpan.Zero);
        if (options.Appointments > 0)
        {
            await shop.FillAsync(http, options.Appointments);
        }

        return shop with { SetupTime = clock.Elapsed };
    }

    // Books `perEmployee` appointments for every employee, spread over the bench days (16 half hours a day).
    private async Task FillAsync(HttpClient http, int perEmployee)
    {
        var next = 0;
        var total = Employees.Length * perEmployee;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next) - 1) < total)
            {
                var employee = Employees[n % Employees.Length];
                var slot = n / Employees.Length;
                await Scenarios.BookAtAsync(http, this, employee, FirstDay.AddDays(slot / 16 % Days), 8 * 60 + (slot % 16 * 30), n % 5000);
            }
        }));
    }

    private static object Day() => new { time = new[] { new[] { "08:00", "18:00" } } };
}

internal static class Scenarios
{
    /// <summary>(3) Slots of one random employee on one random day.</summary>
    public static async Task<int> AvailabilityAsync(HttpClient http, Shop shop, Random random)
    {
        var employee = shop.Employees[random.Next(shop.Employees.Length)];
        var day = shop.FirstDay.AddDays(random.Next(Shop.Days)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var response = await http.GetAsync($"/api/v2/availability?service_id={shop.Service}&location_id={shop.Location}&provider_id={employee}&start_date={day}&t=daily&return=times&session_token={shop.Token}");
        return await Api.StatusCodeAsync(response);
    }

    /// <summary>(1) A booking at a random half hour of a random employee and day (1,000 employees, a year: little contention).</summary>
    public static Task<int> BookingAsync(HttpClient http, Shop shop, Random random) =>
        BookAtAsync(http, shop, shop.Employees[random.Next(shop.Employees.Length)], shop.FirstDay.AddDays(random.Next(Shop.BookingDays)), 8 * 60 + (random.Next(20) * 30), random.Next(5000));

    private static int s_newClients;

    /// <summary>
    /// (4) As a new user runs it: the account's default settings (appointment e-mails on), a client never seen before for
    /// each booking, at a random half hour of a random employee and day.
    /// </summary>
    public static Task<int> NewClientBookingAsync(HttpClient http, Shop shop, Random random) =>
        BookAtAsync(http, shop, shop.Employees[random.Next(shop.Employees.Length)], shop.FirstDay.AddDays(random.Next(Shop.BookingDays)), 8 * 60 + (random.Next(20) * 30), 5000 + Interlocked.Increment(ref s_newClients));

    /// <summary>(2) Everyone fights for the same 10 slots of one employee.</summary>
    public static Task<int> ContentionAsync(HttpClient http, Shop shop, Random random) =>
        BookAtAsync(http, shop, shop.Employees[0], shop.FirstDay, 8 * 60 + (random.Next(10) * 30), random.Next(5000));

    public static async Task<int> BookAtAsync(HttpClient http, Shop shop, long employee, DateOnly day, int minute, int client)
    {
        using var response = await http.PostAsync($"/api/v2/appointment?session_token={shop.Token}", Api.Json(new
        {
            employee_id = employee,
            location_id = shop.Location,
            service_id = shop.Service,
            start_date = $"{day:yyyy-MM-dd} {minute / 60:00}:{minute % 60:00}",
            client_name = $"Client {client}",
            client_email = $"client{client}@bench.example",
        }));
        return await Api.StatusCodeAsync(response);
    }
}

internal static class Api
{
    public static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = Json(body) };
        using var response = await http.SendAsync(request);
        var envelope = await response.Content.ReadFromJsonAsync<JsonElement>();
        return envelope.GetProperty("statusCode").GetInt32() == 0
            ? envelope.GetProperty("data").Clone()
            : throw new InvalidOperationException($"{method} {path.Split('?')[0]}: {envelope.GetProperty("statusDescriptions").GetString()}");
    }

    public static long Id(JsonElement data) => (data.ValueKind == JsonValueKind.Array ? data[0] : data).GetProperty("id").GetInt64();

    /// <summary>
    /// A JSON body sent with its length, as a client that has its body in hand sends it (JsonContent streams it
    /// in chunks, which costs both sides more than the request itself is worth).
    /// </summary>
    public static ByteArrayContent Json(object body)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>The envelope's statusCode (reading the body keeps the connection reusable); the rest is not parsed.</summary>
    public static async Task<int> StatusCodeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        var reader = new Utf8JsonReader(body);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("statusCode"u8))
            {
                reader.Read();
                return reader.GetInt32();
            }

            if (reader.CurrentDepth >= 1 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        throw new InvalidDataException("the response has no envelope statusCode");
    }
}
