using Scheduling.Silo.Webhooks;

namespace Scheduling.ApiHost.Tests.Webhooks;

public sealed class WebhookDeliveryRulesTests
{
    private static readonly DateTimeOffset Now = new(2031, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheSignatureMatchesTheStandardWebhooksReferenceVector()
    {
        // The example of the Standard Webhooks libraries' own test suites.
        var signature = WebhookSignature.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}");

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 300)]
    [InlineData(3, 1800)]
    [InlineData(4, 7200)]
    [InlineData(9, 86400)]
    public void EachRetryWaitsItsStepWithinTenPercent(int attempt, int seconds)
    {
        var earliest = WebhookRetrySchedule.NextAttempt(attempt, Now, null, 0)!.Value;
        var latest = WebhookRetrySchedule.NextAttempt(attempt, Now, null, 0.999999)!.Value;

        Assert.Equal(TimeSpan.FromSeconds(seconds * 0.9), earliest - Now);
        Assert.InRange((latest - Now).TotalSeconds, seconds * 1.0999, seconds * 1.1);
    }

    [Fact]
    public void TheTenthAttemptIsTheLastAndTheScheduleSpansAboutThreeDays()
    {
        Assert.Null(WebhookRetrySchedule.NextAttempt(10, Now, null, 0.5));
        Assert.Equal(10, WebhookRetrySchedule.MaxAttempts);
        var total = WebhookRetrySchedule.Delays.Aggregate(TimeSpan.Zero, (sum, d) => sum + d);
        Assert.InRange(total.TotalDays, 3, 3.5);
    }

    [Fact]
    public void RetryAfterWinsWhenLaterUpToTheLongestStep()
    {
        Assert.Equal(Now.AddMinutes(10), WebhookRetrySchedule.NextAttempt(1, Now, Now.AddMinutes(10), 0.5));
        Assert.Equal(Now.AddSeconds(5), WebhookRetrySchedule.NextAttempt(1, Now, Now.AddSeconds(1), 0.5));
        Assert.Equal(Now.AddHours(24), WebhookRetrySchedule.NextAttempt(1, Now, Now.AddDays(30), 0.5));
    }
}
