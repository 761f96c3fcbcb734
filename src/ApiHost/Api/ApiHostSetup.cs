using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Scheduling.ApiHost.Accounts;
using Scheduling.ApiHost.Demo;

namespace Scheduling.ApiHost.Api;

/// <summary>How the API host is put together: the listening address, request limits and the API middleware.</summary>
public static class ApiHostSetup
{
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>Body size limit (SPEC §1).</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public static WebApplicationBuilder AddSchedulingApi(this WebApplicationBuilder builder)
    {
        // Listen on 5080 unless --urls, ASPNETCORE_URLS / _HTTP_PORTS or a Kestrel endpoint says otherwise.
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"])
            && string.IsNullOrEmpty(configuration["http_ports"])
            && string.IsNullOrEmpty(configuration["https_ports"])
            && !configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.AddOptions<SessionOptions>().Bind(configuration.GetSection("Sessions"));
        builder.Services.AddOptions<AccountOptions>().Bind(configuration.GetSection("Accounts"));
        builder.Services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection("RateLimits"));
        builder.Services.AddSingleton<RateLimits>();
        builder.Services.AddOptions<DemoOptions>().Bind(configuration.GetSection("Demo"));
        builder.Services.AddHostedService<DemoAccountSeeder>();
        builder.Services.AddApiDocument();
        builder.Services.AddSingleton<Employees.CalendarFeedClient>();
        builder.Services.Configure<ForwardedHeadersOptions>(o => ConfigureProxies(o, configuration));
        builder.Services.Configure<KestrelServerOptions>(o => o.Limits.MaxRequestBodySize = MaxBodyBytes);
        builder.Services.Configure<FormOptions>(o =>
        {
            o.ValueLengthLimit = (int)MaxBodyBytes;
            o.MultipartBodyLengthLimit = MaxBodyBytes;
        });
        return builder;
    }

    public static WebApplication UseSchedulingApi(this WebApplication app)
    {
        // Behind nginx the client is in X-Forwarded-For; only trusted proxies may say so (per-address rate limits).
        app.UseForwardedHeaders();
        app.UseMiddleware<ApiErrorHandling>();
        return app;
    }

    // Loopback proxies are trusted by default; Proxy:TrustedNetworks (CIDR list) adds others, e.g. the compose network.
    private static void ConfigureProxies(ForwardedHeadersOptions options, IConfiguration configuration)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        foreach (var network in configuration.GetSection("Proxy:TrustedNetworks").Get<string[]>() ?? [])
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }

    /// <summary>Unknown paths under the API answer in the envelope too.</summary>
    public static void MapApiFallback(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapFallback("/api/v2/{**path}", (HttpContext context) =>
            ApiEnvelope.Error(ApiStatus.NotFound, $"no endpoint {context.Request.Method} {context.Request.Path}"));
}
