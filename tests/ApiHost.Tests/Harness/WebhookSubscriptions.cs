namespace Scheduling.ApiHost.Tests.Harness;

public static class WebhookSubscriptions
{
    /// <summary>
    /// Subscribes a webhook to every event (<c>events = "*"</c>); returns its id and signing secret. Appointment events
    /// are recorded only while some webhook of the company wants them, so tests that read them subscribe first. A
    /// loopback target needs <c>Webhooks:AllowPrivateTargets</c>; with the workers off nothing is sent to it.
    /// </summary>
    public static async Task<(long Id, string Secret)> SubscribeAsync(this Tenant tenant, string url = "http://127.0.0.1:9/hooks")
    {
        var created = await tenant.PostJsonAsync("/api/v2/subscribe", new { target_url = url, events = "*" });
        Assert.True(created.StatusCode == 0, created.StatusDescriptions);
        return (created.Data.GetProperty("id").GetInt64(), created.Data.GetProperty("verification_key").GetString()!);
    }
}
