using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Harness;

/// <summary>The API host in-process on a chosen storage, with optional service overrides (clock, telemetry, test grains).</summary>
public sealed class ApiHostFactory(
    string storageProvider = "Memory",
    string? connectionString = null,
    Action<IServiceCollection>? services = null,
    IReadOnlyDictionary<string, string?>? settings = null,
    string? clusterId = null)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:Provider", storageProvider);

        // Suites sign up many tenants from one (test) address in a burst; the limit tests set their own.
        builder.UseSetting("RateLimits:AnonymousPerSecond", "100000");
        builder.UseSetting("RateLimits:AnonymousBurst", "100000");
        builder.UseSetting("Demo:Enabled", "false");
        builder.UseSetting("Dashboard:Enabled", "false");

        // Every host is a silo on free ports, of its own cluster unless it shares a database with others: hosts of one
        // PostgreSQL database form one cluster, as silos of one deployment do.
        foreach (var (key, value) in FreePorts.OrleansSettings(clusterId))
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        if (connectionString is not null)
        {
            builder.UseSetting("ConnectionStrings:Postgres", connectionString);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}

/// <summary>A parsed API envelope.</summary>
public sealed record Envelope(int HttpStatus, int StatusCode, string StatusDescriptions, string? StatusDescription, JsonElement Data)
{
    public static async Task<Envelope> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new Envelope(
            (int)response.StatusCode,
            body.GetProperty("statusCode").GetInt32(),
            body.GetProperty("statusDescriptions").GetString()!,
            body.TryGetProperty("statusDescription", out var single) ? single.GetString() : null,
            body.GetProperty("data"));
    }
}

public static class HttpClientEnvelopeExtensions
{
    public static async Task<Envelope> GetEnvelopeAsync(this HttpClient client, string url) =>
        await Envelope.ReadAsync(await client.GetAsync(url));
}
