using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Scheduling.ApiHost.Demo;

/// <summary>Demo data settings (section "Demo"). On by default with the embedded memory storage only.</summary>
public sealed class DemoOptions
{
    public bool? Enabled { get; set; }

    public string Email { get; set; } = "demo@example.com";

    public string Nickname { get; set; } = "demo";
}

/// <summary>What the seeder created: the credentials to print and the ids to try.</summary>
public sealed record DemoCredentials(long CompanyId, string Email, string ApiKey, string Password, IReadOnlyList<long> LocationIds, IReadOnlyList<long> EmployeeIds, IReadOnlyList<long> ServiceIds);

/// <summary>
/// A demo account built through the public API itself (so it is exactly what a client could build):
/// two locations, three employees with working hours, four services — one a group session, one an add-on
/// (sub-service) — linked so that every location offers something.
/// </summary>
public static class DemoAccount
{
    private static readonly object Weekdays = new
    {
        mo = Day("09:00", "17:00"),
        tu = Day("09:00", "17:00"),
        we = Day("09:00", "17:00"),
        th = Day("09:00", "17:00"),
        fr = Day("09:00", "15:00"),
    };

    private static readonly object Weekend = new
    {
        sa = Day("10:00", "16:00"),
        su = Day("10:00", "14:00"),
    };

    public static async Task<DemoCredentials> SeedAsync(HttpClient api, DemoOptions options, CancellationToken cancellationToken = default)
    {
        var password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        var account = await SendAsync(api, HttpMethod.Post, "/api/v2/account", new
        {
            company_name = "Demo Dental & Wellness",
            nick_name = options.Nickname,
            email = options.Email,
            password,
            first_name = "Dana",
            last_name = "Demo",
            timezone_id = 553,
            phone = "(310) 555-0100",
        }, cancellationToken);
        var apiKey = account.GetProperty("api_key").GetString()!;
        var session = await SendAsync(api, HttpMethod.Post, "/api/v2/account/authenticate", new { email = options.Email, token = apiKey }, cancellationToken);
        var token = session.GetProperty("session_token").GetString()!;

        async Task<long> CreateAsync(string path, object body)
        {
            var created = await SendAsync(api, HttpMethod.Post, $"{path}?session_token={token}", body, cancellationToken);
            return (created.ValueKind == JsonValueKind.Array ? created[0] : created).GetProperty("id").GetInt64();
        }

        var downtown = await CreateAsync("/api/v2/location", new { name = "Downtown", street1 = "100 Main St", city = "Los Angeles", state = "CA", zip = "90012", timezone_id = 553 });
        var beach = await CreateAsync("/api/v2/location", new { name = "Beach Studio", street1 = "5 Ocean Ave", city = "Santa Monica", state = "CA", zip = "90401", timezone_id = 553 });

        var whitening = await CreateAsync("/api/v2/service", new { name = "Whitening add-on", duration = 15, price = 40, is_subservice = 1 });
        var checkup = await CreateAsync("/api/v2/service", new { name = "Check-up", duration = 30, duration_padding = 10, price = 80, subservices = new[] { whitening } });
        var cleaning = await CreateAsync("/api/v2/service", new { name = "Cleaning", duration = 60, price = 120, start_step = 30 });
        var yoga = await CreateAsync("/api/v2/service", new { name = "Morning yoga (group)", duration = 60, price = 25, group_session = 8 });

        var ann = await CreateAsync("/api/v2/employee", new { first_name = "Ann", last_name = "Lee", email = "ann@example.com", job = "Dentist", nickname = $"{options.Nickname}.ann" });
        var bo = await CreateAsync("/api/v2/employee", new { first_name = "Bo", last_name = "Park", email = "bo@example.com", job = "Hygienist", nickname = $"{options.Nickname}.bo" });
        var cy = await CreateAsync("/api/v2/employee", new { first_name = "Cy", last_name = "Moreno", email = "cy@example.com", job = "Yoga teacher", nickname = $"{options.Nickname}.cy" });

        await SendAsync(api, HttpMethod.Put, $"/api/v2/employee/{ann}/assignAvailability?session_token={token}",
            new { availabilities = new[] { new { repeat = 1, type = 0, location_id = downtown, days = Weekdays } } }, cancellationToken);
        await SendAsync(api, HttpMethod.Put, $"/api/v2/employee/{bo}/assignAvailability?session_token={token}",
            new { availabilities = new object[] { new { repeat = 1, type = 0, location_id = downtown, days = new { mo = Day("08:00", "12:00"), we = Day("08:00", "12:00"), fr = Day("08:00", "12:00") } }, new { repeat = 1, type = 0, location_id = beach, days = new { tu = Day("12:00", "18:00"), th = Day("12:00", "18:00") } } } }, cancellationToken);
        await SendAsync(api, HttpMethod.Put, $"/api/v2/employee/{cy}/assignAvailability?session_token={token}",
            new { availabilities = new[] { new { repeat = 1, type = 0, location_id = beach, days = Weekend } } }, cancellationToken);

        await SendAsync(api, HttpMethod.Post, $"/api/v2/location/assignServices?location_id={downtown}&session_token={token}",
            new Dictionary<string, long[]> { [$"{ann}"] = [checkup, cleaning, whitening], [$"{bo}"] = [cleaning] }, cancellationToken);
        await SendAsync(api, HttpMethod.Post, $"/api/v2/location/assignServices?location_id={beach}&session_token={token}",
            new Dictionary<string, long[]> { [$"{bo}"] = [cleaning], [$"{cy}"] = [yoga] }, cancellationToken);

        return new DemoCredentials(account.GetProperty("company_id").GetInt64(), options.Email, apiKey, password, [downtown, beach], [ann, bo, cy], [checkup, cleaning, yoga, whitening]);
    }

    private static object Day(string start, string end) => new { time = new[] { new[] { start, end } } };

    private static async Task<JsonElement> SendAsync(HttpClient api, HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await api.SendAsync(request, cancellationToken);
        var envelope = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return envelope.GetProperty("statusCode").GetInt32() == 0
            ? envelope.GetProperty("data").Clone()
            : throw new InvalidOperationException($"Demo data: {method} {path.Split('?')[0]} failed: {envelope.GetProperty("statusDescriptions").GetString()}");
    }
}

/// <summary>Seeds the demo account once the host listens, and prints how to use it.</summary>
internal sealed class DemoAccountSeeder(
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<DemoOptions> options,
    IConfiguration configuration,
    ILogger<DemoAccountSeeder> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var enabled = options.Value.Enabled ?? string.Equals(configuration["Storage:Provider"] ?? "Memory", "Memory", StringComparison.OrdinalIgnoreCase);
        if (enabled)
        {
            lifetime.ApplicationStarted.Register(() => _ = SeedAsync());
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task SeedAsync()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        if (address is null)
        {
            logger.LogWarning("Demo data skipped: the server has no http:// address to reach itself on");
            return;
        }

        var local = new UriBuilder(address);
        if (local.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*")
        {
            local.Host = "127.0.0.1";
        }

        try
        {
            using var api = new HttpClient { BaseAddress = local.Uri, Timeout = TimeSpan.FromSeconds(30) };
            var demo = await DemoAccount.SeedAsync(api, options.Value, lifetime.ApplicationStopping);
            logger.LogInformation(
                """
                Demo account ready (in-memory: gone when the server stops)
                      e-mail:    {Email}
                      API key:   {ApiKey}
                      password:  {Password}
                      company:   {CompanyId}
                      try:       curl -X POST "{Address}api/v2/account/authenticate?email={Email2}&token={ApiKey2}"
                """,
                demo.Email, demo.ApiKey, demo.Password, demo.CompanyId, local.Uri, demo.Email, demo.ApiKey);
        }
        catch (Exception ex) when (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            logger.LogError(ex, "Demo data could not be created");
        }
    }
}
