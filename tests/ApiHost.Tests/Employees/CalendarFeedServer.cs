using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Employees;

/// <summary>A real HTTP server on 127.0.0.1 (Kestrel, a free port) that serves one calendar feed the test can change.</summary>
public sealed class CalendarFeedServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CalendarFeedServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The feed's URL: http://127.0.0.1:{port}/calendar.ics.</summary>
    public string Url { get; }

    /// <summary>The body the feed answers with.</summary>
    public string Body { get; set; } = string.Empty;

    /// <summary>The HTTP status the feed answers with.</summary>
    public int Status { get; set; } = StatusCodes.Status200OK;

    /// <summary>How many times the feed was fetched.</summary>
    public int Requests { get; private set; }

    public static async Task<CalendarFeedServer> StartAsync()
    {
        CalendarFeedServer? server = null;
        var (app, address) = await LoopbackServer.StartAsync(a => a.MapGet("/calendar.ics", (HttpContext context) =>
        {
            server!.Requests++;
            return Results.Text(server.Body, "text/calendar", System.Text.Encoding.UTF8, server.Status);
        }));
        server = new CalendarFeedServer(app, new Uri(address, "/calendar.ics").ToString());
        return server;
    }

    /// <summary>An iCalendar feed of the given VEVENT blocks.</summary>
    public static string Calendar(params string[] events) =>
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Feed//EN\r\n" + string.Concat(events) + "END:VCALENDAR\r\n";

    /// <summary>One VEVENT; <paramref name="times"/> are its DTSTART/DTEND lines as the feed writes them.</summary>
    public static string Event(string uid, params string[] times) =>
        $"BEGIN:VEVENT\r\nUID:{uid}\r\nSUMMARY:Private meeting\r\n{string.Concat(times.Select(t => t + "\r\n"))}END:VEVENT\r\n";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
