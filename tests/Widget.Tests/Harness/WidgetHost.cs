using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Scheduling.Grains.Notifications;
using Scheduling.TestSupport;

namespace Scheduling.Widget.Tests.Harness;

/// <summary>
/// The API host on a real loopback port (memory storage), a captured mailbox, and one headless Debian chromium driven by
/// Playwright, shared by the browser tests. The browser is never downloaded: <see cref="ChromiumPath"/> is launched.
/// </summary>
public sealed class WidgetHost : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly int _port = FreePort();
    private HostFactory? _factory;
    private IPlaywright? _playwright;

    public string BaseUrl => $"http://127.0.0.1:{_port}";

    public CapturingNotifier Mail { get; } = new();

    public IBrowser Browser { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _factory = new HostFactory(BaseUrl, Mail);
        _factory.UseKestrel(_port);
        _factory.StartServer();
        Http = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Containers and CI runners often lack the namespaces chromium's sandbox needs.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        Http?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }

    /// <summary>Signs up an account through the API and authenticates it.</summary>
    public async Task<Owner> SignUpAsync()
    {
        var nick = $"shop-{Guid.NewGuid():N}"[..24];
        var email = $"{nick}@example.test";
        var signUp = await ReadAsync(await Http.PostAsJsonAsync("/api/v2/account", new { company_name = "Corner Salon", nick_name = nick, email, password = "correct horse battery" }));
        var apiKey = signUp.GetProperty("api_key").GetString()!;
        var auth = await ReadAsync(await Http.PostAsync($"/api/v2/account/authenticate?email={Uri.EscapeDataString(email)}&token={Uri.EscapeDataString(apiKey)}", null));
        var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", auth.GetProperty("session_token").GetString());
        return new Owner(nick, client);
    }

    /// <summary>The envelope's data; fails the test on any other statusCode than 0.</summary>
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(body.GetProperty("statusCode").GetInt32() == 0, $"{(int)response.StatusCode} {body.GetRawText()}");
        return body.GetProperty("data");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class HostFactory(string baseUrl, INotifier mail) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Storage:Provider", "Memory");
            builder.UseSetting("Demo:Enabled", "false");
            builder.UseSetting("RateLimits:AnonymousPerSecond", "100000");
            builder.UseSetting("RateLimits:AnonymousBurst", "100000");
            builder.UseSetting("RateLimits:VisitorPerSecond", "100000");
            builder.UseSetting("RateLimits:VisitorBurst", "100000");
            builder.UseSetting("Links:PublicBaseUrl", baseUrl);
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
            builder.ConfigureTestServices(services => services.AddSingleton(mail));
        }
    }
}

/// <summary>An account's owner: its nickname and an authenticated API client.</summary>
public sealed record Owner(string Nickname, HttpClient Api)
{
    public async Task<JsonElement> PostAsync(string url, object body) => await WidgetHost.ReadAsync(await Api.PostAsJsonAsync(url, body));

    public async Task<JsonElement> PutAsync(string url, object body) => await WidgetHost.ReadAsync(await Api.PutAsJsonAsync(url, body));

    public async Task<JsonElement> GetAsync(string url) => await WidgetHost.ReadAsync(await Api.GetAsync(url));
}
