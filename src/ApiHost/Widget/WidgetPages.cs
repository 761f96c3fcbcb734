using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Links;
using Scheduling.Grains.Snapshots;

namespace Scheduling.ApiHost.Widget;

/// <summary>
/// The public pages: <c>/book/{nick_name}</c> (the booking widget) and <c>/manage/{token}</c> (the self-service link
/// page), plus their one script and one style sheet (embedded resources of this assembly, docs/decisions.md). The
/// server renders the page's frame, language and settings; the script walks the steps through the public JSON routes.
/// The pages may be framed by any site (that is what embedding is) and load nothing from anywhere else.
/// </summary>
public static class WidgetPages
{
    // <, >, & and quotes as \uXXXX: a value cannot end the <script> block that holds the settings.
    private static readonly JsonSerializerOptions ScriptJson = new() { Encoder = JavaScriptEncoder.Default };

    private static readonly Lazy<(string Script, string Style)> Assets = new(() => (Resource("widget.js"), Resource("widget.css")));

    // Query parameters getWidgetCode puts on the page URL (and lang), passed on to the script as given.
    private static readonly string[] PageParameters = ["defaultService", "defaultProvider", "defaultLocation", "returnUrl", "lang"];

    public static IEndpointRouteBuilder MapWidgetPages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/book/{nick_name}", BookPageAsync).ExcludeFromDescription();
        endpoints.MapGet("/manage/{token}", ManagePageAsync).ExcludeFromDescription();
        endpoints.MapGet("/widget/widget.js", () => Asset(Assets.Value.Script, "text/javascript; charset=utf-8")).ExcludeFromDescription();
        endpoints.MapGet("/widget/widget.css", () => Asset(Assets.Value.Style, "text/css; charset=utf-8")).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> BookPageAsync(string nick_name, HttpContext context, IGrainFactory grains, LocalSnapshots snapshots)
    {
        context.RequestServices.GetRequiredService<RateLimits>().CheckVisitor(context);
        var account = await VisitorCall.FindAsync(grains, snapshots, nick_name);
        var language = WidgetText.Code(context.Request.Query["lang"].ToString() is { Length: > 0 } asked ? asked : account?.Profile.GetText("lang"));
        var text = WidgetText.For(language);
        if (account is null)
        {
            return Page(language, text["title"], text["not_found"], settings: null, StatusCodes.Status404NotFound);
        }

        var company = PublicBookingApi.CompanyName(account);
        var settings = new Dictionary<string, object?>
        {
            ["mode"] = "book",
            ["api"] = $"{context.Request.PathBase}/api/v2/public/{Uri.EscapeDataString(account.Profile.GetText("nick_name") ?? nick_name)}",
            ["text"] = text,
            ["query"] = PageParameters.Where(p => context.Request.Query.ContainsKey(p)).ToDictionary(p => p, p => context.Request.Query[p].ToString()[..Math.Min(1_000, context.Request.Query[p].ToString().Length)]),
        };
        return Page(language, $"{text["title"]} · {company}", company, settings, StatusCodes.Status200OK);
    }

    private static async Task<IResult> ManagePageAsync(string token, HttpContext context, AppointmentLinks links, IGrainFactory grains)
    {
        context.RequestServices.GetRequiredService<RateLimits>().CheckVisitor(context);
        var link = await links.ReadAsync(token);
        var account = link is null ? null : await grains.GetGrain<Contracts.Accounts.IAccountGrain>(link.CompanyId).GetAsync();
        var language = WidgetText.Code(context.Request.Query["lang"].ToString() is { Length: > 0 } asked ? asked : account?.Profile.GetText("lang"));
        var text = WidgetText.For(language);
        if (link is null || account is not { Enabled: true })
        {
            return Page(language, text["manage_title"], text["invalid_link"], settings: null, StatusCodes.Status404NotFound);
        }

        var settings = new Dictionary<string, object?>
        {
            ["mode"] = "manage",
            ["api"] = $"{context.Request.PathBase}/api/v2/public/manage/{Uri.EscapeDataString(token)}",
            ["text"] = text,
            ["query"] = new Dictionary<string, string>(),
        };
        return Page(language, text["manage_title"], PublicBookingApi.CompanyName(account), settings, StatusCodes.Status200OK);
    }

    /// <summary>The page frame: heading, a live region for messages, the settings, the script; or just a message (settings null).</summary>
    private static IResult Page(string language, string title, string heading, Dictionary<string, object?>? settings, int status)
    {
        var body = settings is null
            ? $"<p>{Html(heading)}</p>"
            : $"""
              <h1>{Html(heading)}</h1>
              <p id="status" class="status" role="status" aria-live="polite"></p>
              <div id="app"><p>{Html(((IReadOnlyDictionary<string, string>)settings["text"]!)["loading"])}</p></div>
              <noscript><p>JavaScript is needed to book online.</p></noscript>
              <script id="widget-settings" type="application/json">{JsonSerializer.Serialize(settings, ScriptJson)}</script>
              <script src="/widget/widget.js" defer></script>
              """;
        var html = $"""
            <!doctype html>
            <html lang="{language}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Html(title)}</title>
            <link rel="stylesheet" href="/widget/widget.css">
            </head>
            <body>
            <main class="widget">
            {body}
            </main>
            </body>
            </html>
            """;
        return new PageResult(html, status);
    }

    private static IResult Asset(string content, string type) => new AssetResult(content, type);

    private static string Html(string text) => HtmlEncoder.Default.Encode(text);

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Scheduling.ApiHost.Widget.Assets.{name}")
            ?? throw new InvalidOperationException($"the widget asset {name} is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed class PageResult(string html, int status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.CacheControl = "no-store";
            // Scripts, styles and data from this host only; any site may frame the page (the embed snippet does).
            response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors *";
            response.Headers.XContentTypeOptions = "nosniff";
            await response.WriteAsync(html, httpContext.RequestAborted);
        }
    }

    private sealed class AssetResult(string content, string type) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = type;
            httpContext.Response.Headers.CacheControl = "public, max-age=300";
            httpContext.Response.Headers.XContentTypeOptions = "nosniff";
            await httpContext.Response.WriteAsync(content, httpContext.RequestAborted);
        }
    }
}
