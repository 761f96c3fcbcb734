using System.Net.Http.Json;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Accounts;

public abstract class AccountsApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    [Fact]
    public async Task SignUpReturnsTheCompanyAndItsApiKeyOnce()
    {
        var tenant = await SignUpAsync();

        var summary = await tenant.GetAsync("/api/v2/account");

        Assert.Equal(0, summary.StatusCode);
        Assert.Equal(tenant.CompanyId, summary.Data.GetProperty("company_id").GetInt64());
        Assert.Equal(tenant.Nickname, summary.Data.GetProperty("nick_name").GetString());
        Assert.Equal(tenant.Email, summary.Data.GetProperty("email").GetString());
        Assert.False(summary.Data.TryGetProperty("api_key", out _));
        Assert.False(summary.Data.TryGetProperty("password", out _));
    }

    [Fact]
    public async Task AuthenticateWithAWrongKeyIsRefusedWithInvalidCredentials()
    {
        var tenant = await SignUpAsync();

        var refused = await Envelope.ReadAsync(await Anonymous.PostAsync($"/api/v2/account/authenticate?email={tenant.Email}&token=not-the-key", null));

        Assert.Equal((401, 2), (refused.HttpStatus, refused.StatusCode));
    }

    [Fact]
    public async Task AuthenticateAcceptsJsonAndFormBodies()
    {
        var tenant = await SignUpAsync();

        var json = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/account/authenticate", new { data = new { email = tenant.Email, token = tenant.ApiKey } }));
        var form = await Envelope.ReadAsync(await Anonymous.PostAsync("/api/v2/account/authenticate",
            new FormUrlEncodedContent([new("data", $"{{\"email\":\"{tenant.Email}\",\"token\":\"{tenant.ApiKey}\"}}")])));

        Assert.Equal(0, json.StatusCode);
        Assert.Equal(0, form.StatusCode);
        Assert.NotEqual(json.Data.GetProperty("session_token").GetString(), form.Data.GetProperty("session_token").GetString());
    }

    [Fact]
    public async Task SessionTokenWorksFromQueryStringAndLogoutRevokesIt()
    {
        var tenant = await SignUpAsync();

        Assert.Equal(0, (await Anonymous.GetEnvelopeAsync($"/api/v2/account?session_token={tenant.SessionToken}")).StatusCode);
        Assert.Equal(0, (await tenant.GetAsync("/api/v2/account/logout")).StatusCode);

        var after = await Anonymous.GetEnvelopeAsync($"/api/v2/account?session_token={tenant.SessionToken}");
        Assert.Equal((403, 8), (after.HttpStatus, after.StatusCode));
    }

    [Fact]
    public async Task MissingOrUnknownSessionIsNotAllowed()
    {
        var missing = await Anonymous.GetEnvelopeAsync("/api/v2/account");
        var unknown = await Anonymous.GetEnvelopeAsync("/api/v2/account?session_token=nope");

        Assert.Equal((403, 8), (missing.HttpStatus, missing.StatusCode));
        Assert.Equal((403, 8), (unknown.HttpStatus, unknown.StatusCode));
        Assert.Contains("session_token", missing.StatusDescriptions);
    }

    [Fact]
    public async Task ParentSessionActsOnItsSubAccountButNotOnAnotherCompany()
    {
        var parent = await SignUpAsync("parent");
        var stranger = await SignUpAsync("stranger");
        var childId = await CreateSubAccountAsync(parent);

        var listed = await parent.GetAsync("/api/v2/account/companies");
        Assert.Equal([childId], listed.Data.EnumerateArray().Select(c => c.GetProperty("company_id").GetInt64()));

        var asChild = await parent.GetAsync($"/api/v2/account?company_id={childId}");
        Assert.Equal(childId, asChild.Data.GetProperty("company_id").GetInt64());

        var foreign = await parent.GetAsync($"/api/v2/account?company_id={stranger.CompanyId}");
        Assert.Equal((404, 7), (foreign.HttpStatus, foreign.StatusCode));
        var upward = await stranger.GetAsync($"/api/v2/account?company_id={parent.CompanyId}");
        Assert.Equal((404, 7), (upward.HttpStatus, upward.StatusCode));
    }

    [Theory]
    [InlineData("""{"company_name":"A","nick_name":"ab","email":"a@b.test","password":"long enough"}""", "nick_name")]
    [InlineData("""{"company_name":"A","nick_name":"valid-nick","email":"not-an-email","password":"long enough"}""", "email")]
    [InlineData("""{"company_name":"A","nick_name":"valid-nick","email":"a@b.test","password":"short"}""", "password")]
    [InlineData("""{"nick_name":"valid-nick","email":"a@b.test","password":"long enough"}""", "company_name")]
    [InlineData("""{"company_name":"A","nick_name":"valid-nick","email":"a@b.test","password":"long enough","timezone_id":999999}""", "timezone_id")]
    [InlineData("""{"company_name":"A","nick_name":"valid-nick","email":"a@b.test","password":"long enough","lang":"de"}""", "lang")]
    public async Task SignUpWithABadFieldIsRefusedNamingIt(string body, string field)
    {
        var response = await Anonymous.PostAsync("/api/v2/account", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var envelope = await Envelope.ReadAsync(response);

        Assert.Equal((400, 1), (envelope.HttpStatus, envelope.StatusCode));
        Assert.StartsWith(field + ":", envelope.StatusDescriptions);
    }

    [Fact]
    public async Task TakenNicknameAndEmailAreRefused()
    {
        var tenant = await SignUpAsync();

        var sameNick = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/account",
            new { company_name = "B", nick_name = tenant.Nickname, email = "other@example.test", password = "correct horse battery" }));
        var sameEmail = await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/account",
            new { company_name = "B", nick_name = $"n{Guid.NewGuid():N}"[..20], email = tenant.Email.ToUpperInvariant(), password = "correct horse battery" }));

        Assert.StartsWith("nick_name:", sameNick.StatusDescriptions);
        Assert.StartsWith("email:", sameEmail.StatusDescriptions);
    }

    [Fact]
    public async Task OversizedBodyIsRefusedInTheEnvelope()
    {
        var huge = new string('x', 1_100_000);
        var response = await Anonymous.PostAsync("/api/v2/account", new StringContent($"{{\"company_name\":\"{huge}\"}}", System.Text.Encoding.UTF8, "application/json"));
        var envelope = await Envelope.ReadAsync(response);

        Assert.Equal(1, envelope.StatusCode);
        Assert.Contains("1 MiB", envelope.StatusDescriptions);
    }
}

public sealed class AccountsApiMemoryTests(MemoryApiStorage storage) : AccountsApiTests<MemoryApiStorage>(storage);

public sealed class AccountsApiPostgresTests(PostgresApiStorage storage) : AccountsApiTests<PostgresApiStorage>(storage);
