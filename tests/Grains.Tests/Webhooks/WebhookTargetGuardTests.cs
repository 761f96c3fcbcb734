using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Webhooks;
using Scheduling.TestSupport;

namespace Scheduling.Grains.Tests.Webhooks;

public sealed class WebhookTargetGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("100.64.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456:789a::1")]
    [InlineData("fe80::1")]
    [InlineData("febf:ffff::1")]
    [InlineData("fec0::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("2002:c0a8:0101::1")]
    public void PrivateLoopbackLinkLocalAndReservedAddressesAreNotPublic(string address) =>
        Assert.False(WebhookTargetGuard.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.216.34")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("169.253.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    public void InternetAddressesArePublic(string address) =>
        Assert.True(WebhookTargetGuard.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("", "is required")]
    [InlineData("   ", "is required")]
    [InlineData("/webhooks", "must be an absolute URL")]
    [InlineData("example.com/webhooks", "must be an absolute URL")]
    [InlineData("ftp://example.com/webhooks", "must be an http or https URL")]
    [InlineData("file:///etc/passwd", "must be an absolute URL")]
    [InlineData("javascript:alert(1)", "must be an absolute URL")]
    public void OnlyAbsoluteHttpUrlsAreTargets(string url, string problem)
    {
        var refused = Assert.Throws<FieldValidationException>(() => WebhookTargetGuard.Parse(url));

        Assert.Equal("target_url", refused.Field);
        Assert.StartsWith(problem, refused.Problem);
    }

    [Fact]
    public void AnOversizedUrlIsRefused()
    {
        var refused = Assert.Throws<FieldValidationException>(() => WebhookTargetGuard.Parse("https://example.com/" + new string('a', 2048)));

        Assert.Contains("longer than 2048", refused.Problem);
    }

    [Theory]
    [InlineData("http://127.0.0.1/hook")]
    [InlineData("http://[::1]:8080/hook")]
    [InlineData("https://10.0.0.5/hook")]
    [InlineData("http://2130706433/hook")] // 127.0.0.1 written as one number
    [InlineData("http://0x7f.1/hook")] // 127.0.0.1 in hex shorthand
    [InlineData("http://[::ffff:7f00:1]/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    public async Task AnAddressLiteralOnThePrivateSideIsRefused(string url)
    {
        var guard = Guard(allowPrivate: false);

        var refused = await Assert.ThrowsAsync<FieldValidationException>(() => guard.CheckAsync(url));

        Assert.Equal("target_url", refused.Field);
        Assert.Contains("private, loopback or link-local", refused.Problem);
    }

    [Fact]
    public async Task AHostNameIsJudgedByEveryAddressItResolvesTo()
    {
        var guard = Guard(allowPrivate: false, new Dictionary<string, string[]>
        {
            ["hooks.example.com"] = ["93.184.216.34", "2606:2800:220:1::1"],
            ["mixed.example.com"] = ["93.184.216.34", "10.0.0.7"],
            ["localhost"] = ["127.0.0.1", "::1"],
            ["v6-internal.example.com"] = ["fd00::5"],
        });

        Assert.Equal("https://hooks.example.com/in", (await guard.CheckAsync("https://hooks.example.com/in")).OriginalString);
        Assert.Contains("10.0.0.7", (await Assert.ThrowsAsync<FieldValidationException>(() => guard.CheckAsync("https://mixed.example.com/in"))).Problem);
        await Assert.ThrowsAsync<FieldValidationException>(() => guard.CheckAsync("http://localhost:5000/in"));
        await Assert.ThrowsAsync<FieldValidationException>(() => guard.CheckAsync("http://v6-internal.example.com/in"));
    }

    [Fact]
    public async Task AHostThatDoesNotResolveIsRefused()
    {
        var guard = Guard(allowPrivate: false);

        var refused = await Assert.ThrowsAsync<FieldValidationException>(() => guard.CheckAsync("https://nowhere.invalid/in"));

        Assert.Equal("target_url", refused.Field);
        Assert.Contains("does not resolve", refused.Problem);
    }

    [Fact]
    public async Task AResolverThatHangsIsGivenUpOnNamingTheField()
    {
        var clock = new ManualTimeProvider();
        var guard = new WebhookTargetGuard(Options.Create(new WebhookOptions()), new HangingResolver(), clock);

        var check = guard.CheckAsync("https://slow.example.com/in");
        Assert.False(check.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(5));
        var refused = await Assert.ThrowsAsync<FieldValidationException>(() => check);

        Assert.Equal("target_url", refused.Field);
        Assert.Contains("did not resolve within 5 seconds", refused.Problem);
    }

    [Fact]
    public async Task APublicAddressLiteralNeedsNoLookup()
    {
        var guard = Guard(allowPrivate: false);

        Assert.Equal("93.184.216.34", (await guard.CheckAsync("https://93.184.216.34/in")).Host);
    }

    [Fact]
    public async Task AllowingPrivateTargetsLetsLoopbackThroughButStillNeedsHttp()
    {
        var guard = Guard(allowPrivate: true);

        Assert.Equal("localhost", (await guard.CheckAsync("http://localhost:5000/in")).Host);
        Assert.True(guard.IsAllowed(IPAddress.Loopback));
        await Assert.ThrowsAsync<FieldValidationException>(() => guard.CheckAsync("ftp://localhost/in"));
    }

    [Fact]
    public void AtSendTimeTheConnectedAddressIsJudgedByTheSameRule()
    {
        var guard = Guard(allowPrivate: false);

        Assert.False(guard.IsAllowed(IPAddress.Parse("192.168.0.10")));
        Assert.True(guard.IsAllowed(IPAddress.Parse("93.184.216.34")));
    }

    private static WebhookTargetGuard Guard(bool allowPrivate, Dictionary<string, string[]>? hosts = null) =>
        new(Options.Create(new WebhookOptions { AllowPrivateTargets = allowPrivate }), new TableResolver(hosts ?? []), TimeProvider.System);

    // Waits until cancelled, as a resolver with an unreachable DNS server would (well past the guard's limit).
    private sealed class HangingResolver : IHostAddressResolver
    {
        public async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return [];
        }
    }

    private sealed class TableResolver(Dictionary<string, string[]> hosts) : IHostAddressResolver
    {
        public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
            hosts.TryGetValue(host, out var addresses)
                ? Task.FromResult(addresses.Select(IPAddress.Parse).ToArray())
                : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
    }
}
