using System.Security.Cryptography;
using System.Text;

namespace Scheduling.Silo.Webhooks;

/// <summary>Standard Webhooks signing (SPEC §9): <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).</summary>
public static class WebhookSignature
{
    private const string SecretPrefix = "whsec_";

    /// <summary>The <c>webhook-signature</c> header value for one attempt; the key is the secret's base64 part after <c>whsec_</c>.</summary>
    public static string Sign(string secret, string webhookId, long timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
        var content = Encoding.UTF8.GetBytes(FormattableString.Invariant($"{webhookId}.{timestamp}.{body}"));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }
}
