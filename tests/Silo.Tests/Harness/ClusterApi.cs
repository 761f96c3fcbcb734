using System.Net.Http.Json;
using System.Text.Json;

namespace Scheduling.Silo.Tests.Harness;

/// <summary>An account with a location and two services, opened through two API hosts of one cluster.</summary>
public sealed record ClusterAccount(long CompanyId, string Nick, string Token, long Location, long Service, long GroupService);

/// <summary>The API as the cluster tests call it, across two API host processes.</summary>
public static class ClusterApi
{
    /// <summary>Sends a request that must succeed (statusCode 0); returns the envelope's data.</summary>
    public static async Task<JsonElement> SendAsync(HttpClient http, HttpMethod method, string path, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await http.SendAsync(request);
        var envelope = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(envelope.GetProperty("statusCode").GetInt32() == 0, $"{method} {path.Split('?')[0]}: {envelope}");
        return envelope.GetProperty("data").Clone();
    }

    /// <summary>The id of what a create answered (one object, or a list of one).</summary>
    public static long Id(JsonElement data) => (data.ValueKind == JsonValueKind.Array ? data[0] : data).GetProperty("id").GetInt64();

    /// <summary>
    /// Signs up through <paramref name="a"/> and authenticates through <paramref name="b"/> (a session works on every
    /// silo), then adds a location, a 30-minute service and a 45-minute group class of <paramref name="groupSeats"/> seats,
    /// both on a 15-minute grid.
    /// </summary>
    public static async Task<ClusterAccount> OpenAccountAsync(HttpClient a, HttpClient b, string name, int groupSeats)
    {
        var nick = $"{name.ToLowerInvariant()}{Guid.NewGuid():N}"[..20];
        var email = $"{nick}@cluster.test";
        var account = await SendAsync(a, HttpMethod.Post, "/api/v2/account", new { company_name = name, nick_name = nick, email, password = "cluster-password" });
        var session = await SendAsync(b, HttpMethod.Post, "/api/v2/account/authenticate", new { email, token = account.GetProperty("api_key").GetString() });
        var token = session.GetProperty("session_token").GetString()!;
        var location = Id(await SendAsync(a, HttpMethod.Post, $"/api/v2/location?session_token={token}", new { name = "Main", timezone_id = 553 }));
        var service = Id(await SendAsync(a, HttpMethod.Post, $"/api/v2/service?session_token={token}", new { name = "Visit", duration = 30, start_step = 15 }));
        var groupService = Id(await SendAsync(b, HttpMethod.Post, $"/api/v2/service?session_token={token}", new { name = "Class", duration = 45, start_step = 15, group_session = groupSeats }));
        return new ClusterAccount(account.GetProperty("company_id").GetInt64(), nick, token, location, service, groupService);
    }
}
