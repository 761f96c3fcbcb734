using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace Scheduling.Silo.Cluster;

/// <summary>
/// Orleans' own configuration keys, read once: <c>Orleans:ClusterId</c>, <c>Orleans:ServiceId</c>, <c>Orleans:SiloName</c>,
/// <c>Orleans:Endpoints:SiloPort</c>, <c>Orleans:Endpoints:GatewayPort</c>, <c>Orleans:Endpoints:AdvertisedIPAddress</c>
/// (so <c>Orleans__Endpoints__SiloPort=11112</c> in the environment works). Several silos on one machine need distinct ports.
/// </summary>
public sealed record OrleansSettings(
    string ClusterId,
    string ServiceId,
    string? SiloName,
    int SiloPort,
    int GatewayPort,
    IPAddress? AdvertisedIPAddress)
{
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;

    public static OrleansSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Orleans");
        var endpoints = section.GetSection("Endpoints");
        var advertised = endpoints["AdvertisedIPAddress"];
        return new OrleansSettings(
            section["ClusterId"] is { Length: > 0 } clusterId ? clusterId : "scheduling",
            section["ServiceId"] is { Length: > 0 } serviceId ? serviceId : "scheduling",
            section["SiloName"] is { Length: > 0 } siloName ? siloName : null,
            Port(endpoints, "SiloPort", DefaultSiloPort),
            Port(endpoints, "GatewayPort", DefaultGatewayPort),
            string.IsNullOrWhiteSpace(advertised)
                ? null
                : IPAddress.TryParse(advertised, out var address)
                    ? address
                    : throw new InvalidOperationException($"Orleans:Endpoints:AdvertisedIPAddress '{advertised}' is not an IP address."));
    }

    private static int Port(IConfiguration endpoints, string key, int fallback) =>
        endpoints[key] is not { Length: > 0 } text
            ? fallback
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                ? port
                : throw new InvalidOperationException($"Orleans:Endpoints:{key} '{text}' is not a port number.");
}
