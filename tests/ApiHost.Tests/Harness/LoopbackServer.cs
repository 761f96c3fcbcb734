using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scheduling.ApiHost.Tests.Harness;

/// <summary>
/// A real HTTP server for a test's peers (webhook receivers, calendar feeds, an OTLP receiver): Kestrel on
/// 127.0.0.1, on <paramref name="port"/> or a free one, serving what <paramref name="map"/> maps.
/// </summary>
public static class LoopbackServer
{
    public static async Task<(WebApplication App, Uri Address)> StartAsync(Action<WebApplication> map, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }
}
