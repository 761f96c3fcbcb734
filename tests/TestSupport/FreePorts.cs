using System.Net;
using System.Net.Sockets;

namespace Scheduling.TestSupport;

/// <summary>
/// Ports for the Orleans silos tests start side by side in one process or on one machine: each asks the system for a
/// free port (bind to port 0), so parallel tests never share a silo or gateway port.
/// </summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The Orleans settings of a silo on free ports, in its own cluster unless <paramref name="clusterId"/> names one.</summary>
    public static Dictionary<string, string?> OrleansSettings(string? clusterId = null) => new()
    {
        ["Orleans:ClusterId"] = clusterId ?? $"test-{Guid.NewGuid():N}",
        ["Orleans:Endpoints:SiloPort"] = Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Orleans:Endpoints:GatewayPort"] = Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
