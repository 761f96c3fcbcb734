using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Harness;

/// <summary>Where an API test suite runs: the embedded memory storage or a fresh PostgreSQL database.</summary>
public abstract class ApiStorage : IAsyncLifetime
{
    private ApiHostFactory? _shared;

    public abstract ApiHostFactory CreateFactory(Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null, IReadOnlyDictionary<string, string?>? settings = null);

    /// <summary>
    /// One host for the tests of a class that replace no services: each host is a silo, and starting one per test
    /// cost most of the suite's time. Every test signs up tenants of its own, so they never see each other's data.
    /// </summary>
    public ApiHostFactory SharedFactory(IReadOnlyDictionary<string, string?>? settings) => _shared ??= CreateFactory(settings: settings);

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        if (_shared is not null)
        {
            await _shared.DisposeAsync();
        }
    }
}

public sealed class MemoryApiStorage : ApiStorage
{
    public override ApiHostFactory CreateFactory(Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null, IReadOnlyDictionary<string, string?>? settings = null) =>
        new("Memory", services: services, settings: settings);
}

public sealed class PostgresApiStorage : ApiStorage
{
    private PostgresTestDatabase? _database;

    public override ApiHostFactory CreateFactory(Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null, IReadOnlyDictionary<string, string?>? settings = null) =>
        new("Postgres", _database?.ConnectionString ?? throw new InvalidOperationException("database not created"), services, settings, _database.Name);

    public override async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>
/// One API host per test class on a storage, plus helpers to sign up tenants. Derive a suite once from
/// this class and run it twice: <c>class XMemoryTests : XTests&lt;MemoryApiStorage&gt;</c> and
/// <c>class XPostgresTests : XTests&lt;PostgresApiStorage&gt;</c> (xunit creates the storage as a class fixture).
/// </summary>
public abstract class ApiTestBase<TStorage> : IClassFixture<TStorage>, IAsyncLifetime
    where TStorage : ApiStorage
{
    private static int s_tenant;

    protected ApiTestBase(TStorage storage)
    {
        Storage = storage;
    }

    protected TStorage Storage { get; }

    protected ApiHostFactory Factory { get; private set; } = null!;

    protected HttpClient Anonymous { get; private set; } = null!;

    public virtual Task InitializeAsync()
    {
        Factory = OwnsHost ? Storage.CreateFactory(ConfigureServices, Settings) : Storage.SharedFactory(Settings);
        Anonymous = Factory.CreateClient();
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        if (OwnsHost)
        {
            await Factory.DisposeAsync();
        }
    }

    // A class that replaces services (a clock, a notifier) gets a host per test, since the services it registers are its
    // test instance's; the others share one host per class.
    private bool OwnsHost => GetType().GetMethod(nameof(ConfigureServices), System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.DeclaringType
        != typeof(ApiTestBase<TStorage>);

    /// <summary>Configuration for the whole class (e.g. allowing loopback webhook targets).</summary>
    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    /// <summary>Override to replace services (a clock, a notifier) for the whole class.</summary>
    protected virtual void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
    }

    /// <summary>Creates a sub-account of <paramref name="parent"/> with the parent's session; returns its company id.</summary>
    protected static async Task<long> CreateSubAccountAsync(Tenant parent)
    {
        var child = await parent.PostJsonAsync("/api/v2/account", new
        {
            company_name = "Child",
            nick_name = $"child-{Guid.NewGuid():N}"[..20],
            email = $"child-{Guid.NewGuid():N}@example.test",
            password = "correct horse battery",
        });
        Assert.True(child.StatusCode == 0, $"sub-account creation failed: {child.StatusDescriptions}");
        return child.Data.GetProperty("company_id").GetInt64();
    }

    /// <summary>Signs up a fresh account and authenticates it: a tenant with its own session.</summary>
    protected async Task<Tenant> SignUpAsync(string? name = null)
    {
        var n = Interlocked.Increment(ref s_tenant);
        var nick = $"{name ?? "tenant"}-{n}-{Guid.NewGuid():N}"[..40].ToLowerInvariant().TrimEnd('-');
        var email = $"{nick}@example.test";
        var signUp = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/account", new
        {
            company_name = $"Company {nick}",
            nick_name = nick,
            email,
            password = "correct horse battery",
        }));
        Assert.True(signUp.StatusCode == 0, $"sign-up failed: {signUp.StatusDescriptions}");
        var apiKey = signUp.Data.GetProperty("api_key").GetString()!;
        var auth = await Envelope.ReadAsync(await Anonymous.PostAsync($"/api/v2/account/authenticate?email={Uri.EscapeDataString(email)}&token={Uri.EscapeDataString(apiKey)}", null));
        Assert.True(auth.StatusCode == 0, $"authenticate failed: {auth.StatusDescriptions}");
        var token = auth.Data.GetProperty("session_token").GetString()!;
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new Tenant(signUp.Data.GetProperty("company_id").GetInt64(), nick, email, apiKey, token, client);
    }
}

/// <summary>A signed-up account with an authenticated client (Bearer token).</summary>
public sealed record Tenant(long CompanyId, string Nickname, string Email, string ApiKey, string SessionToken, HttpClient Client)
{
    public async Task<Envelope> GetAsync(string url) => await Envelope.ReadAsync(await Client.GetAsync(url));

    public async Task<Envelope> PostJsonAsync(string url, object body) => await Envelope.ReadAsync(await Client.PostAsJsonAsync(url, body));

    public async Task<Envelope> PutJsonAsync(string url, object body) => await Envelope.ReadAsync(await Client.PutAsJsonAsync(url, body));

    public async Task<Envelope> DeleteAsync(string url) => await Envelope.ReadAsync(await Client.DeleteAsync(url));

    /// <summary>POSTs a form whose "data" field holds the JSON (the third request form of SPEC §1).</summary>
    public async Task<Envelope> PostFormAsync(string url, object data) =>
        await Envelope.ReadAsync(await Client.PostAsync(url, new FormUrlEncodedContent([new("data", JsonSerializer.Serialize(data))])));
}
