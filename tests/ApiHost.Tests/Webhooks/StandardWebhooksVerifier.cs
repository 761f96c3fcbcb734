using System.Security.Cryptography;
using System.Text;

namespace Scheduling.ApiHost.Tests.Webhooks;

/// <summary>
/// What a receiver does to trust a webhook, written from the Standard Webhooks specification alone (no product
/// code): the signed content is "{webhook-id}.{webhook-timestamp}.{body}", the key is the base64 after "whsec_",
/// and webhook-signature holds space-separated "v1,{base64 HMAC-SHA256}" entries, any of which may match.
/// </summary>
public static class StandardWebhooksVerifier
{
    public static bool Verify(string secret, ReceivedWebhook webhook)
    {
        if (webhook.Id is null || webhook.Timestamp is null || webhook.Signature is null || !secret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            return false;
        }

        using var hmac = new HMACSHA256(Convert.FromBase64String(secret.Substring(6)));
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(webhook.Id + "." + webhook.Timestamp + "." + webhook.Body));
        foreach (var entry in webhook.Signature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',');
            if (comma < 0 || entry[..comma] != "v1")
            {
                continue;
            }

            byte[] given;
            try
            {
                given = Convert.FromBase64String(entry[(comma + 1)..]);
            }
            catch (FormatException)
            {
                continue;
            }

            if (CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return true;
            }
        }

        return false;
    }
}
