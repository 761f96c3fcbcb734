using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;

namespace Scheduling.Silo.Hosting;

/// <summary>
/// The Orleans Dashboard on the worker silo, for operators: on a listener of its own, <c>Dashboard:Url</c>, by default
/// <see cref="DefaultUrl"/> (loopback only: the dashboard has no authentication of its own and shows grain keys and
/// state, so reaching it from elsewhere is an operator's explicit choice, e.g. <c>http://0.0.0.0:5091</c> behind a private
/// network). <c>Dashboard:Enabled=false</c> serves none.
/// </summary>
public static class OperatorDashboard
{
    public const string DefaultUrl = "http://127.0.0.1:5091";

    public static WebApplicationBuilder AddOperatorDashboard(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue("Dashboard:Enabled", true))
        {
            // The dashboard's listener joins the ones the host has already (--urls, or ASPNETCORE_HTTP_PORTS as in the
            // container image, or the worker's default), since naming URLs replaces every other way of choosing them.
            var url = builder.Configuration["Dashboard:Url"] ?? DefaultUrl;
            var existing = builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) is { Length: > 0 } urls
                ? urls.Split(';', StringSplitOptions.RemoveEmptyEntries)
                : builder.Configuration["http_ports"] is { Length: > 0 } ports
                    ? [.. ports.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(port => $"http://*:{port}")]
                    : [WorkerHealth.DefaultUrl];
            builder.WebHost.UseUrls([.. existing, url]);
        }

        return builder;
    }

    public static IEndpointRouteBuilder MapOperatorDashboard(this IEndpointRouteBuilder endpoints, IConfiguration configuration)
    {
        if (configuration.GetValue("Dashboard:Enabled", true))
        {
            var port = new Uri(configuration["Dashboard:Url"] ?? DefaultUrl).Port;
            endpoints.MapOrleansDashboard("/dashboard").RequireHost($"*:{port}");
        }

        return endpoints;
    }
}
