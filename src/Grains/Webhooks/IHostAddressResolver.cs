using System.Net;

namespace Scheduling.Grains.Webhooks;

/// <summary>Turns a host name into its addresses (DNS in production; a table in tests).</summary>
public interface IHostAddressResolver
{
    /// <summary>The host's IPv4 and IPv6 addresses; throws <see cref="System.Net.Sockets.SocketException"/> when the name does not resolve.</summary>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

/// <summary>The system resolver.</summary>
public sealed class DnsHostAddressResolver : IHostAddressResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}
