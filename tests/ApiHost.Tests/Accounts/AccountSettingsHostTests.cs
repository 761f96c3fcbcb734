using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Accounts;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.Grains.Notifications;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Accounts;

/// <summary>Account settings with the host's own parts in play: its clock, its default notifier, its sign-up setting.</summary>
public abstract partial class AccountSettingsHostTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage), IDisposable
    where TStorage : ApiStorage
{
    private readonly string _mailDirectory = Path.Combine(Path.GetTempPath(), "account-settings-tests", Guid.NewGuid().ToString("N"));

    protected ManualTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public void Dispose()
    {
        if (Directory.Exists(_mailDirectory))
        {
            Directory.Delete(_mailDirectory, recursive: true);
        }
    }

    // The real FileNotifier, pointed at a directory of this test's own.
    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Clock);
        services.Configure<NotificationOptions>(o => o.Directory = _mailDirectory);
    }

    [Fact]
    public async Task TheDefaultNotifierWritesTheResetMessageAsAnEmlFile()
    {
        var tenant = await SignUpAsync();

        var requested = await tenant.PostJsonAsync("/api/v2/account/request_password_reset", new { email = tenant.Email, confirmation_url = "https://app.example/reset" });

        Assert.Equal(0, requested.StatusCode);
        var eml = File.ReadAllText(Assert.Single(Directory.GetFiles(_mailDirectory, "*.eml")));
        Assert.Contains($"To: {tenant.Email}\r\n", eml);
        Assert.Contains("Subject: Reset the password of Company ", eml);
        Assert.Matches(@"https://app\.example/reset\?email=", eml.Replace("=\r\n", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AResetCodeExpiresAfterAnHour()
    {
        var tenant = await SignUpAsync();
        var first = await CodeAsync(tenant);
        var second = await CodeAsync(tenant);

        // The newest code replaces the one before it.
        var replaced = await ResetAsync(tenant, first);
        Assert.StartsWith("hash_code:", replaced.StatusDescriptions);

        Clock.Advance(TimeSpan.FromMinutes(61));
        var expired = await ResetAsync(tenant, second);

        Assert.Equal((400, 1), (expired.HttpStatus, expired.StatusCode));
        Assert.StartsWith("hash_code:", expired.StatusDescriptions);
        Assert.Contains("expired", expired.StatusDescriptions);

        var inTime = await CodeAsync(tenant);
        Clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, (await ResetAsync(tenant, inTime)).StatusCode);
    }

    [Fact]
    public async Task WithSignUpClosedNameChecksNeedASession()
    {
        await using var closed = Storage.CreateFactory(services =>
        {
            ConfigureServices(services);
            services.Configure<AccountOptions>(o => o.AllowSignUp = false);
        });
        using var anonymous = closed.CreateClient();

        var nickname = await Envelope.ReadAsync(await anonymous.GetAsync("/api/v2/account/checknickname/someone"));
        var email = await Envelope.ReadAsync(await anonymous.GetAsync("/api/v2/account/checkemail/someone@example.test"));

        Assert.Equal((403, 8), (nickname.HttpStatus, nickname.StatusCode));
        Assert.Equal((403, 8), (email.HttpStatus, email.StatusCode));
        Assert.StartsWith("session_token:", nickname.StatusDescriptions);
    }

    private async Task<string> CodeAsync(Tenant tenant)
    {
        var before = Directory.Exists(_mailDirectory) ? Directory.GetFiles(_mailDirectory, "*.eml").ToHashSet() : [];
        Assert.Equal(0, (await tenant.PostJsonAsync("/api/v2/account/request_password_reset", new { email = tenant.Email, confirmation_url = "https://app.example/reset" })).StatusCode);
        var file = Assert.Single(Directory.GetFiles(_mailDirectory, "*.eml"), f => !before.Contains(f));
        var text = File.ReadAllText(file).Replace("=\r\n", string.Empty, StringComparison.Ordinal).Replace("=3D", "=", StringComparison.Ordinal);
        return Uri.UnescapeDataString(HashCode().Match(text).Groups[1].Value);
    }

    private async Task<Envelope> ResetAsync(Tenant tenant, string code) =>
        await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/account/reset_password", new { email = tenant.Email, hash_code = code, new_password = "reset and renewed" }));

    [GeneratedRegex(@"hash_code=([A-Za-z0-9_%-]+)")]
    private static partial Regex HashCode();
}

public sealed class AccountSettingsHostMemoryTests(MemoryApiStorage storage) : AccountSettingsHostTests<MemoryApiStorage>(storage);

public sealed class AccountSettingsHostPostgresTests(PostgresApiStorage storage) : AccountSettingsHostTests<PostgresApiStorage>(storage);
