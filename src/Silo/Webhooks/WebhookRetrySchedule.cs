namespace Scheduling.Silo.Webhooks;

/// <summary>
/// When a failed delivery is tried again (SPEC §9): after about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and
/// 24 h, each within ±10% so that many deliveries failing together do not all come back together. The first
/// attempt plus these nine retries span about three days.
/// </summary>
public static class WebhookRetrySchedule
{
    public static IReadOnlyList<TimeSpan> Delays { get; } =
    [
        TimeSpan.FromSeconds(5),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(5),
        TimeSpan.FromHours(10),
        TimeSpan.FromHours(14),
        TimeSpan.FromHours(20),
        TimeSpan.FromHours(24),
    ];

    /// <summary>The first attempt and every retry.</summary>
    public static int MaxAttempts => Delays.Count + 1;

    /// <summary>
    /// When to try again after failed attempt number <paramref name="attempt"/> (1 = the first), or null when that
    /// was the last. <paramref name="retryAfter"/> (the receiver's Retry-After) wins when it is later, up to the
    /// longest step of the schedule. <paramref name="jitter"/> is in [0, 1).
    /// </summary>
    public static DateTimeOffset? NextAttempt(int attempt, DateTimeOffset now, DateTimeOffset? retryAfter, double jitter)
    {
        if (attempt < 1 || attempt >= MaxAttempts)
        {
            return null;
        }

        var delay = Delays[attempt - 1] * (0.9 + (0.2 * jitter));
        var next = now + delay;
        if (retryAfter is { } asked && asked > next)
        {
            var latest = now + Delays[^1];
            next = asked < latest ? asked : latest;
        }

        return next;
    }
}
