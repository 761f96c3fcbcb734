using System.Net.Http.Headers;
using System.Net.Http.Json;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Api;

public sealed class RateLimitTests
{
    [Fact]
    public async Task CompanyOverItsLimitGets429WithRetryAfterInTheEnvelopeWhileOthersGoOn()
    {
        await using var factory = new ApiHostFactory(settings: new Dictionary<string, string?>
        {
            ["RateLimits:PerCompanyPerSecond"] = "1",
            ["RateLimits:PerCompanyBurst"] = "5",
        });
        var busy = await SignUpAsync(factory, "busy");
        var quiet = await SignUpAsync(factory, "quiet");

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await busy.GetAsync("/api/v2/account"));
        }

        var limited = answers.First(r => (int)r.StatusCode == 429);
        var envelope = await Envelope.ReadAsync(limited);
        Assert.Equal(8, envelope.StatusCode);
        Assert.Contains("too many requests", envelope.StatusDescriptions);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal(200, (int)(await quiet.GetAsync("/api/v2/account")).StatusCode);
    }

    [Fact]
    public async Task AuthenticateIsLimitedPerAddress()
    {
        await using var factory = new ApiHostFactory(settings: new Dictionary<string, string?>
        {
            ["RateLimits:AnonymousPerSecond"] = "1",
            ["RateLimits:AnonymousBurst"] = "3",
        });
        var client = factory.CreateClient();

        var statuses = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((int)(await client.PostAsync("/api/v2/account/authenticate?email=a@b.test&token=x", null)).StatusCode);
        }

        Assert.Contains(401, statuses);
        Assert.Contains(429, statuses);
    }

    private static async Task<HttpClient> SignUpAsync(ApiHostFactory factory, string name)
    {
        var anonymous = factory.CreateClient();
        var nick = $"{name}-{Guid.NewGuid():N}"[..24];
        var signUp = await Envelope.ReadAsync(await anonymous.PostAsJsonAsync("/api/v2/account",
            new { company_name = name, nick_name = nick, email = $"{nick}@example.test", password = "correct horse battery" }));
        var auth = await Envelope.ReadAsync(await anonymous.PostAsync(
            $"/api/v2/account/authenticate?email={nick}@example.test&token={signUp.Data.GetProperty("api_key").GetString()}", null));
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", auth.Data.GetProperty("session_token").GetString());
        return client;
    }
}
