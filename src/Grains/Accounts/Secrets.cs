using System.Security.Cryptography;
using System.Text;

namespace Scheduling.Grains.Accounts;

/// <summary>
/// Secrets are stored only as salted hashes. Passwords (low entropy) use PBKDF2-SHA256 with many
/// iterations; API keys and one-time codes (32 random bytes) use salted HMAC-SHA256, which is enough for
/// high-entropy secrets and keeps authentication cheap.
/// </summary>
public static class Secrets
{
    private const int PasswordIterations = 100_000;

    /// <summary>A new random secret: 32 bytes, URL-safe base64 (43 characters).</summary>
    public static string NewToken() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string HashPassword(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, PasswordIterations, HashAlgorithmName.SHA256, 32);
        return $"pbkdf2-sha256${PasswordIterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool VerifyPassword(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != "pbkdf2-sha256" || !int.TryParse(parts[1], out var iterations))
        {
            return false;
        }

        var expected = Convert.FromBase64String(parts[3]);
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), Convert.FromBase64String(parts[2]), iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    public static string HashToken(string token)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return $"hmac-sha256${Convert.ToBase64String(salt)}${Convert.ToBase64String(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(token)))}";
    }

    public static bool VerifyToken(string token, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 3 || parts[0] != "hmac-sha256")
        {
            return false;
        }

        var actual = HMACSHA256.HashData(Convert.FromBase64String(parts[1]), Encoding.UTF8.GetBytes(token));
        return CryptographicOperations.FixedTimeEquals(actual, Convert.FromBase64String(parts[2]));
    }

    /// <summary>The key a session is stored under: the token's SHA-256, so a stored key cannot be replayed as a token.</summary>
    public static string SessionKey(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
