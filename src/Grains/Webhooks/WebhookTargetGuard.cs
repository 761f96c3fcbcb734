using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Webhooks;

namespace Scheduling.Grains.Webhooks;

/// <summary>
/// Decides where webhooks may go: absolute http(s) URLs whose host resolves only to public addresses, unless
/// <see cref="WebhookOptions.AllowPrivateTargets"/>. Subscriptions are checked when saved; the delivery worker
/// checks again when it sends (<see cref="IsAllowed"/> on the address it connects to), because a name that
/// was public when saved may resolve elsewhere later.
/// </summary>
public sealed class WebhookTargetGuard(IOptions<WebhookOptions> options, IHostAddressResolver resolver, TimeProvider time)
{
    private const string Field = "target_url";

    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The URL, checked; throws FieldValidationException naming target_url.</summary>
    public Task<Uri> CheckAsync(string targetUrl, CancellationToken cancellationToken = default) =>
        CheckAsync(targetUrl, Field, cancellationToken);

    /// <summary>
    /// The URL, checked; throws FieldValidationException naming <paramref name="field"/>. Other requests the server
    /// makes on a tenant's behalf (an employee's calendar feed) go through the same rule.
    /// </summary>
    public async Task<Uri> CheckAsync(string targetUrl, string field, CancellationToken cancellationToken)
    {
        var uri = Parse(targetUrl, field);
        if (options.Value.AllowPrivateTargets)
        {
            return uri;
        }

        foreach (var address in await AddressesAsync(uri, field, cancellationToken))
        {
            if (!IsPublic(address))
            {
                throw new FieldValidationException(field,
                    $"{uri.Host} is {address}, a private, loopback or link-local address; only public hosts are allowed");
            }
        }

        return uri;
    }

    /// <summary>Whether a webhook may connect to this address under the current settings.</summary>
    public bool IsAllowed(IPAddress address) => options.Value.AllowPrivateTargets || IsPublic(address);

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/> of every request the server makes on a tenant's behalf
    /// (webhooks, calendar feeds): resolves the host now and connects only to an allowed address, so the address
    /// checked is the address reached, whatever the name resolved to when the URL was saved (DNS rebinding).
    /// A refusal is the exception <paramref name="refused"/> makes of the reason.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, Func<string, Exception> refused, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(refused);
        var host = endpoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await resolver.ResolveAsync(host, cancellationToken);
        var allowed = addresses.Where(IsAllowed).ToArray();
        if (allowed.Length == 0)
        {
            throw refused(addresses.Length == 0
                ? $"{host} does not resolve"
                : $"{host} resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}: private, loopback or link-local addresses are refused");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>An absolute http or https URL with a host; throws FieldValidationException naming target_url (or <paramref name="field"/>).</summary>
    public static Uri Parse(string targetUrl, string field = Field)
    {
        ArgumentNullException.ThrowIfNull(targetUrl);
        var text = targetUrl.Trim();
        if (text.Length == 0)
        {
            throw new FieldValidationException(field, "is required");
        }

        if (text.Length > WebhookSchemas.MaxTargetUrlLength)
        {
            throw new FieldValidationException(field, $"longer than {WebhookSchemas.MaxTargetUrlLength} characters");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw new FieldValidationException(field, "must be an absolute URL, e.g. https://example.com/webhooks");
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new FieldValidationException(field, "must be an http or https URL");
        }

        return uri;
    }

    /// <summary>
    /// Whether an address is on the public internet: not loopback, private (RFC 1918, fc00::/7), link-local,
    /// carrier-grade NAT, unspecified, multicast or reserved, also when it hides inside an IPv6 form
    /// (IPv4-mapped, IPv4-compatible, NAT64, 6to4).
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return IsPublicV4(address.GetAddressBytes());
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublicV4(address.MapToIPv4().GetAddressBytes());
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        if (b[..12].IndexOfAnyExcept((byte)0) < 0)
        {
            // The deprecated IPv4-compatible ::a.b.c.d; :: and ::1 read as 0.0.0.0 and 0.0.0.1, refused with 0/8.
            return IsPublicV4(b[12..]);
        }

        return b[0] switch
        {
            0xFC or 0xFD => false, // fc00::/7 unique local
            0xFE when (b[1] & 0xC0) is 0x80 or 0xC0 => false, // fe80::/10 link-local, fec0::/10 site-local
            0xFF => false, // multicast
            0x00 when b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && b[4..12].IndexOfAnyExcept((byte)0) < 0 => IsPublicV4(b[12..]), // 64:ff9b::/96 NAT64
            0x20 when b[1] == 0x02 => IsPublicV4(b[2..6]), // 2002::/16 6to4
            _ => true,
        };
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> b) => b[0] switch
    {
        0 => false, // 0.0.0.0/8 "this network", 0.0.0.0 included
        10 => false, // 10/8 private
        127 => false, // 127/8 loopback
        100 when b[1] is >= 64 and <= 127 => false, // 100.64/10 carrier-grade NAT
        169 when b[1] == 254 => false, // 169.254/16 link-local (cloud metadata lives here)
        172 when b[1] is >= 16 and <= 31 => false, // 172.16/12 private
        192 when b[1] == 168 => false, // 192.168/16 private
        192 when b[1] == 0 && b[2] == 0 => false, // 192.0.0/24 protocol assignments
        198 when b[1] is 18 or 19 => false, // 198.18/15 benchmarking
        >= 224 => false, // multicast 224/4, reserved 240/4, broadcast
        _ => true,
    };

    private async Task<IPAddress[]> AddressesAsync(Uri uri, string field, CancellationToken cancellationToken)
    {
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return [IPAddress.Parse(uri.DnsSafeHost)];
        }

        // The check runs inside the subscriptions grain's turn: a resolver that hangs must not hold it for long.
        using var deadline = new CancellationTokenSource(ResolveTimeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        IPAddress[] addresses;
        try
        {
            addresses = await resolver.ResolveAsync(uri.IdnHost, either.Token);
        }
        catch (SocketException)
        {
            addresses = [];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new FieldValidationException(field, $"the host {uri.Host} did not resolve within {ResolveTimeout.TotalSeconds:0} seconds");
        }

        return addresses.Length > 0
            ? addresses
            : throw new FieldValidationException(field, $"the host {uri.Host} does not resolve");
    }
}
