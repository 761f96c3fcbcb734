using Microsoft.Extensions.Options;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Sessions;
using Scheduling.Grains.Accounts;
using Scheduling.Grains.Sessions;
using Scheduling.Grains.Snapshots;

namespace Scheduling.ApiHost.Api;

/// <summary>Session settings (section "Sessions").</summary>
public sealed class SessionOptions
{
    /// <summary>A session unused this long expires (SPEC §3: 24 h).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>
/// An authenticated API call: the request's fields, the caller's session, and the company the call acts
/// on — the session's own, or one of its sub-accounts named by <c>company_id</c>. Binding it refuses a
/// missing, unknown, expired or revoked session (403 / NOT_ALLOWED) and any other company (404).
/// Handlers take it as a parameter; every tenant check starts from <see cref="CompanyId"/>.
/// </summary>
public sealed class ApiCall
{
    private ApiCall(ApiRequest request, SessionInfo session, long companyId, IGrainFactory grains, LocalSnapshots snapshots, string token)
    {
        Request = request;
        Session = session;
        CompanyId = companyId;
        Grains = grains;
        Snapshots = snapshots;
        Token = token;
    }

    public ApiRequest Request { get; }

    public SessionInfo Session { get; }

    /// <summary>The company this call acts on (the tenant).</summary>
    public long CompanyId { get; }

    public IGrainFactory Grains { get; }

    /// <summary>Snapshots of this silo's read-mostly activations: read them through <see cref="ReadAsync{TGrain, TSnapshot}"/>.</summary>
    public LocalSnapshots Snapshots { get; }

    /// <summary>The session token the caller presented.</summary>
    public string Token { get; }

    public IAccountGrain Account => Grains.GetGrain<IAccountGrain>(CompanyId);

    /// <summary>The grain's snapshot, in place when it is active on this silo (<see cref="LocalSnapshots"/>), else from <paramref name="read"/>.</summary>
    public ValueTask<TSnapshot> ReadAsync<TGrain, TSnapshot>(long key, Func<TGrain, Task<TSnapshot>> read)
        where TGrain : IGrainWithIntegerKey => Snapshots.ReadAsync(Grains, key, read);

    /// <summary>The account this call acts on, as <see cref="IAccountGrain.GetAsync"/> answers.</summary>
    public ValueTask<AccountSnapshot?> AccountAsync() => ReadAsync(CompanyId, (IAccountGrain a) => a.GetAsync());

    /// <summary>
    /// A call a visitor of the public booking pages makes on one company's behalf, with no session: it lets the
    /// public routes reuse the booking and availability code scoped to that company. The request must hold only
    /// fields a visitor may set (the public routes copy them from a whitelist); it is never given to a session route.
    /// </summary>
    public static ApiCall ForVisitor(ApiRequest request, long companyId, IGrainFactory grains, LocalSnapshots snapshots) =>
        new(request, new SessionInfo(companyId, 0, DateTimeOffset.MaxValue), companyId, grains, snapshots, string.Empty);

    public static async ValueTask<ApiCall?> BindAsync(HttpContext context)
    {
        var request = (await ApiRequest.BindAsync(context))!;
        var token = SessionToken(context, request)
            ?? throw new ApiException(ApiStatus.NotAllowed, "session_token: is required (authenticate with POST /api/v2/account/authenticate)");
        var services = context.RequestServices;
        var grains = services.GetRequiredService<IGrainFactory>();
        var snapshots = services.GetRequiredService<LocalSnapshots>();
        var session = await ValidateAsync(grains, Secrets.SessionKey(token), snapshots, services.GetRequiredService<TimeProvider>())
            ?? throw new ApiException(ApiStatus.NotAllowed, "session_token: unknown, expired or logged out; authenticate again");

        var companyId = request.GetId("company_id") ?? session.CompanyId;
        if (companyId != session.CompanyId)
        {
            var own = await snapshots.ReadAsync(grains, session.CompanyId, (IAccountGrain a) => a.GetAsync());
            if (own is null || !own.SubAccounts.Contains(companyId))
            {
                throw new NotFoundException($"company_id: no account {companyId}");
            }
        }

        services.GetRequiredService<RateLimits>().CheckCompany(companyId);
        return new ApiCall(request, session, companyId, grains, snapshots, token);
    }

    // A use that need not be written is answered from the session's snapshot when its grain is active here.
    private static async ValueTask<SessionInfo?> ValidateAsync(IGrainFactory grains, string key, LocalSnapshots snapshots, TimeProvider time) =>
        snapshots.TryGet<SessionView?>(snapshots.IdOf<ISessionGrain>(grains, key), out var view) && SessionView.TryAnswer(view, time.GetUtcNow(), out var session)
            ? session
            : await grains.GetGrain<ISessionGrain>(key).ValidateAsync();

    /// <summary>The token from the query, the body (JSON or form) or an Authorization: Bearer header.</summary>
    public static string? SessionToken(HttpContext context, ApiRequest request)
    {
        if (request.GetString("session_token", 256) is { Length: > 0 } token)
        {
            return token;
        }

        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }

    public static TimeSpan IdleTimeout(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<SessionOptions>>().Value.IdleTimeout;
}
