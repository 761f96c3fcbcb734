using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Scheduling.ApiHost.Api;

/// <summary>Per-company and per-address request limits (section "RateLimits").</summary>
public sealed class RateLimitOptions
{
    /// <summary>Sustained requests per second one company may make (all its sessions together).</summary>
    public int PerCompanyPerSecond { get; set; } = 2_000;

    /// <summary>Requests a company may burst above the sustained rate.</summary>
    public int PerCompanyBurst { get; set; } = 4_000;

    /// <summary>Sustained requests per second of unauthenticated calls (sign-up, authenticate) from one address.</summary>
    public int AnonymousPerSecond { get; set; } = 20;

    public int AnonymousBurst { get; set; } = 40;

    /// <summary>Sustained requests per second one visitor address may make to the public booking routes.</summary>
    public int VisitorPerSecond { get; set; } = 10;

    /// <summary>A booking page's first load asks for the catalog and a few days of times at once.</summary>
    public int VisitorBurst { get; set; } = 60;
}

/// <summary>The caller made too many requests; the envelope says when to come back (HTTP 429, statusCode 8).</summary>
public sealed class RateLimitedException(TimeSpan retryAfter, string message) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Token buckets per company and per client address. Checked where the company is known (binding the
/// call's session), so a company cannot widen its limit by opening more sessions.
/// </summary>
public sealed class RateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<long> _companies;
    private readonly PartitionedRateLimiter<IPAddress> _anonymous;
    private readonly PartitionedRateLimiter<IPAddress> _visitors;

    public RateLimits(IOptions<RateLimitOptions> options)
    {
        var o = options.Value;
        _companies = PartitionedRateLimiter.Create<long, long>(company => RateLimitPartition.GetTokenBucketLimiter(company, _ => Bucket(o.PerCompanyPerSecond, o.PerCompanyBurst)));
        _anonymous = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => Bucket(o.AnonymousPerSecond, o.AnonymousBurst)));
        _visitors = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => Bucket(o.VisitorPerSecond, o.VisitorBurst)));
    }

    public void CheckCompany(long companyId) => Check(_companies.AttemptAcquire(companyId), $"company {companyId.ToString(CultureInfo.InvariantCulture)}");

    public void CheckAnonymous(HttpContext context) =>
        Check(_anonymous.AttemptAcquire(context.Connection.RemoteIpAddress ?? IPAddress.None), "this address");

    /// <summary>The public booking routes (no session): per visitor address, apart from sign-up's bucket.</summary>
    public void CheckVisitor(HttpContext context) =>
        Check(_visitors.AttemptAcquire(context.Connection.RemoteIpAddress ?? IPAddress.None), "this address");

    public void Dispose()
    {
        _companies.Dispose();
        _anonymous.Dispose();
        _visitors.Dispose();
    }

    private static void Check(RateLimitLease lease, string who)
    {
        using (lease)
        {
            if (lease.IsAcquired)
            {
                return;
            }

            var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
            throw new RateLimitedException(retryAfter, $"too many requests for {who}; retry after {Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s");
        }
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond, int burst) => new()
    {
        TokenLimit = Math.Max(1, burst),
        TokensPerPeriod = Math.Max(1, perSecond / 10),
        ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
