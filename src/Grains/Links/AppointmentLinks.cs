using Scheduling.Grains.Storage;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Scheduling.Contracts.Links;

namespace Scheduling.Grains.Links;

/// <summary>
/// Self-service links (the reference's appointment <c>hash</c>): a token naming a company, an appointment and what
/// its holder may do, signed with the cluster's link key, so a client can cancel, reschedule or confirm without a
/// session and nobody can forge one for another appointment. Stateless: nothing is stored per link; the service's
/// cancel/reschedule windows are checked when a link is used, not when it is made.
/// <para>Form: <c>{c|r|v}{company hex}-{appointment hex}-{22 characters of URL-safe base64 HMAC-SHA256}</c>.</para>
/// </summary>
public sealed class AppointmentLinks(IGrainFactory grains, IOptions<SelfServiceLinkOptions> options)
{
    private const int MacBytes = 16;

    /// <summary>The page a client opens with <paramref name="token"/>: <c>{Links:PublicBaseUrl}/manage/{token}</c>.</summary>
    public string PageUrl(string token) => options.Value.PublicBaseUrl.TrimEnd('/') + "/manage/" + Uri.EscapeDataString(token);

    /// <summary>The token for <paramref name="type"/> on one appointment.</summary>
    public async Task<string> CreateAsync(long companyId, long appointmentId, AppointmentLinkType type)
    {
        var key = await KeyAsync();
        var body = string.Create(CultureInfo.InvariantCulture, $"{Letter(type)}{companyId:x}-{appointmentId:x}");
        return body + "-" + Mac(key, body);
    }

    /// <summary>The link a token names, when it is well formed and its signature holds; null otherwise.</summary>
    public async Task<AppointmentLink?> ReadAsync(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 80)
        {
            return null;
        }

        var parts = token.Split('-', 3);
        if (parts.Length != 3 || parts[0].Length < 2 || LetterType(parts[0][0]) is not { } type
            || !long.TryParse(parts[0].AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var companyId)
            || !long.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var appointmentId)
            || companyId <= 0 || appointmentId <= 0)
        {
            return null;
        }

        var key = await KeyAsync();
        var expected = Encoding.ASCII.GetBytes(Mac(key, parts[0] + "-" + parts[1]));
        var given = Encoding.ASCII.GetBytes(parts[2]);
        return CryptographicOperations.FixedTimeEquals(expected, given) ? new AppointmentLink(companyId, appointmentId, type) : null;
    }

    public static string TypeName(AppointmentLinkType type) => type switch
    {
        AppointmentLinkType.Cancel => "cancel",
        AppointmentLinkType.Reschedule => "reschedule",
        _ => "confirm",
    };

    /// <summary>The reference's <c>hash_type</c> values; null for any other text.</summary>
    public static AppointmentLinkType? ParseType(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "cancel" => AppointmentLinkType.Cancel,
        "reschedule" => AppointmentLinkType.Reschedule,
        "confirm" => AppointmentLinkType.Confirm,
        _ => null,
    };

    private Task<byte[]> KeyAsync() => StaleActivation.RetryAsync(() => grains.GetGrain<ILinkKeyGrain>(0).GetKeyAsync());

    private static string Mac(byte[] key, string body) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(body)), 0, MacBytes)
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static char Letter(AppointmentLinkType type) => type switch
    {
        AppointmentLinkType.Cancel => 'c',
        AppointmentLinkType.Reschedule => 'r',
        _ => 'v',
    };

    private static AppointmentLinkType? LetterType(char letter) => letter switch
    {
        'c' => AppointmentLinkType.Cancel,
        'r' => AppointmentLinkType.Reschedule,
        'v' => AppointmentLinkType.Confirm,
        _ => null,
    };
}

/// <summary>A verified self-service link: which appointment of which company, and what it allows.</summary>
public sealed record AppointmentLink(long CompanyId, long AppointmentId, AppointmentLinkType Type);
