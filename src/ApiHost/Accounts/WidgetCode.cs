using System.Text.Encodings.Web;
using System.Text.Json;

namespace Scheduling.ApiHost.Accounts;

/// <summary>How the embed snippet shows the booking page: a floating button opening it in an overlay, or an inline frame.</summary>
public enum WidgetDisplay
{
    Overlay,
    Inline,
}

/// <summary>What getWidgetCode was asked for, already validated (<see cref="ButtonColor"/> is "#rrggbb", <see cref="Position"/> left or right).</summary>
public sealed record WidgetSettings(string BookingUrl, string Title, WidgetDisplay Display, string Position, string ButtonName, string ButtonColor);

/// <summary>
/// The HTML/JS snippet a customer pastes into their site to embed the booking page. It is self-contained
/// (no script to load from this host) and puts caller-supplied text only where it stays text: in a JSON
/// literal encoded for a script block (no "&lt;/script&gt;" can survive it), in HTML-encoded attributes, and
/// through textContent. Colors and positions are checked against fixed shapes before they reach CSS.
/// </summary>
public static class WidgetCode
{
    // The default encoder escapes <, >, &, quotes and non-ASCII as \uXXXX: safe inside <script>.
    private static readonly JsonSerializerOptions ScriptJson = new() { Encoder = JavaScriptEncoder.Default };

    public static string Html(WidgetSettings widget) => widget.Display == WidgetDisplay.Inline ? Inline(widget) : Overlay(widget);

    private static string Inline(WidgetSettings widget) =>
        $"""
        <!-- Begin booking widget -->
        <iframe src="{Attribute(widget.BookingUrl)}" title="{Attribute(widget.Title)}" style="width:100%;min-height:760px;border:0" loading="lazy"></iframe>
        <!-- End booking widget -->
        """;

    private static string Overlay(WidgetSettings widget)
    {
        var options = JsonSerializer.Serialize(
            new { url = widget.BookingUrl, title = widget.Title, buttonName = widget.ButtonName, buttonColor = widget.ButtonColor, position = widget.Position },
            ScriptJson);
        return $$"""
            <!-- Begin booking widget -->
            <script>
            (function (options) {
              function open() {
                var backdrop = document.createElement("div");
                backdrop.setAttribute("role", "dialog");
                backdrop.setAttribute("aria-modal", "true");
                backdrop.setAttribute("aria-label", options.title);
                backdrop.style.cssText = "position:fixed;inset:0;z-index:2147483001;background:rgba(0,0,0,.5);display:flex;align-items:center;justify-content:center";
                var frame = document.createElement("iframe");
                frame.src = options.url;
                frame.title = options.title;
                frame.style.cssText = "width:min(960px,100%);height:min(760px,100%);border:0;border-radius:8px;background:#fff";
                var close = document.createElement("button");
                close.type = "button";
                close.textContent = "\u00d7";
                close.setAttribute("aria-label", "Close");
                close.style.cssText = "position:absolute;top:8px;right:12px;font:32px/1 sans-serif;color:#fff;background:none;border:0;cursor:pointer";
                function onKey(e) { if (e.key === "Escape") { dismiss(); } }
                function dismiss() { backdrop.remove(); document.removeEventListener("keydown", onKey); }
                close.onclick = dismiss;
                backdrop.onclick = function (e) { if (e.target === backdrop) { dismiss(); } };
                document.addEventListener("keydown", onKey);
                backdrop.appendChild(frame);
                backdrop.appendChild(close);
                document.body.appendChild(backdrop);
              }
              function add() {
                var button = document.createElement("button");
                button.type = "button";
                button.textContent = options.buttonName;
                button.style.cssText = "position:fixed;top:50%;" + options.position + ":0;z-index:2147483000;padding:12px 18px;border:0;cursor:pointer;color:#fff;font:600 15px sans-serif;background:" + options.buttonColor;
                button.onclick = open;
                document.body.appendChild(button);
              }
              if (document.body) { add(); } else { document.addEventListener("DOMContentLoaded", add); }
            })({{options}});
            </script>
            <noscript><a href="{{Attribute(widget.BookingUrl)}}">{{Attribute(widget.ButtonName)}}</a></noscript>
            <!-- End booking widget -->
            """;
    }

    private static string Attribute(string value) => HtmlEncoder.Default.Encode(value);
}
