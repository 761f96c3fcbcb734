using System.Text.Json;
using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Directory;
using Scheduling.Contracts.Errors;
using Scheduling.Grains.Links;
using Scheduling.Grains.Snapshots;

namespace Scheduling.ApiHost.Widget;

/// <summary>
/// A call to the public booking routes: no session, one account. Binding it limits the visitor's address
/// (<see cref="RateLimits.CheckVisitor"/>) and finds the account from the route: <c>{nick_name}</c> (an enabled
/// account's nickname) or <c>{token}</c> (a signed self-service link). Anything unknown, disabled or forged is 404,
/// so a visitor learns nothing about accounts and appointments it has no link to.
/// </summary>
public sealed class VisitorCall
{
    private VisitorCall(ApiRequest request, AccountSnapshot account, AppointmentLink? link, IGrainFactory grains, LocalSnapshots snapshots)
    {
        Request = request;
        Account = account;
        Link = link;
        Grains = grains;
        Snapshots = snapshots;
    }

    /// <summary>What the visitor sent; handlers pass on only the fields a visitor may set (<see cref="Scoped"/>).</summary>
    public ApiRequest Request { get; }

    public AccountSnapshot Account { get; }

    public long CompanyId => Account.CompanyId;

    /// <summary>The self-service link of a <c>/manage/{token}</c> route; null on the nickname routes.</summary>
    public AppointmentLink? Link { get; }

    public IGrainFactory Grains { get; }

    public LocalSnapshots Snapshots { get; }

    public static async ValueTask<VisitorCall?> BindAsync(HttpContext context)
    {
        context.RequestServices.GetRequiredService<RateLimits>().CheckVisitor(context);
        var request = (await ApiRequest.BindAsync(context))!;
        var grains = context.RequestServices.GetRequiredService<IGrainFactory>();
        var snapshots = context.RequestServices.GetRequiredService<LocalSnapshots>();
        if (context.Request.RouteValues.TryGetValue("token", out var token))
        {
            var link = await context.RequestServices.GetRequiredService<AppointmentLinks>().ReadAsync(token as string)
                ?? throw new NotFoundException("this link is not valid");
            var owner = await EnabledAccountAsync(grains, snapshots, link.CompanyId) ?? throw new NotFoundException("this link is not valid");
            return new VisitorCall(request, owner, link, grains, snapshots);
        }

        var nickname = context.Request.RouteValues.TryGetValue("nick_name", out var value) ? value as string : null;
        var account = await FindAsync(grains, snapshots, nickname) ?? throw new NotFoundException($"no booking page '{nickname}'");
        return new VisitorCall(request, account, link: null, grains, snapshots);
    }

    /// <summary>The enabled account with this nickname, or null.</summary>
    public static async Task<AccountSnapshot?> FindAsync(IGrainFactory grains, LocalSnapshots snapshots, string? nickname)
    {
        if (string.IsNullOrWhiteSpace(nickname) || nickname.Length > 64 || !AccountSchemas.IsValidNickname(nickname.Trim().ToLowerInvariant()))
        {
            return null;
        }

        return await grains.GetGrain<INameClaimGrain>(NameClaims.AccountNickname(nickname)).GetOwnerAsync() is { } companyId
            ? await EnabledAccountAsync(grains, snapshots, companyId)
            : null;
    }

    /// <summary>
    /// A call on this account made of <paramref name="names"/> from the visitor's request (others are dropped: a visitor
    /// cannot set a status, a duration or a note) and the fixed <paramref name="extra"/> fields.
    /// </summary>
    public ApiCall Scoped(IEnumerable<string> names, IReadOnlyDictionary<string, JsonElement>? extra = null)
    {
        var wanted = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        var fields = Request.Fields.Where(f => wanted.Contains(f.Key)).ToDictionary(f => f.Key, f => f.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in extra ?? new Dictionary<string, JsonElement>())
        {
            fields[name] = value;
        }

        return ApiCall.ForVisitor(ApiRequest.FromFields(fields), CompanyId, Grains, Snapshots);
    }

    private static async Task<AccountSnapshot?> EnabledAccountAsync(IGrainFactory grains, LocalSnapshots snapshots, long companyId) =>
        await snapshots.ReadAsync(grains, companyId, (IAccountGrain a) => a.GetAsync()) is { Enabled: true } account ? account : null;
}
