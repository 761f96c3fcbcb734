using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Webhooks;

/// <summary>A request the receiver got: the Standard Webhooks headers and the body, as they came over the wire.</summary>
public sealed record ReceivedWebhook(string Path, string? Id, string? Timestamp, string? Signature, string? ContentType, string Body);

/// <summary>How the receiver answers one request.</summary>
public sealed record ScriptedAnswer(int Status, IReadOnlyDictionary<string, string>? Headers = null, string Body = "")
{
    public static ScriptedAnswer Ok { get; } = new(200, Body: "thanks");
}

/// <summary>
/// A real HTTP webhook receiver: Kestrel on 127.0.0.1, an OS-chosen port. It records every request and answers
/// from a script (then 200). It can be stopped and started again on the same port, to play a receiver that is down.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentQueue<ScriptedAnswer> _script = new();
    private WebApplication? _app;
    private TaskCompletionSource? _hold;

    private WebhookReceiver()
    {
    }

    public int Port { get; private set; }

    public string Url => $"http://127.0.0.1:{Port}/hooks";

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>Requests that reached the receiver's handler, answered or not.</summary>
    public int Count => _received.Count;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var receiver = new WebhookReceiver();
        await receiver.StartOnAsync(0);
        return receiver;
    }

    /// <summary>The next requests get these answers, in order; after them, 200.</summary>
    public void Answer(params ScriptedAnswer[] answers)
    {
        foreach (var answer in answers)
        {
            _script.Enqueue(answer);
        }
    }

    /// <summary>Requests from now on wait (recorded) until <see cref="Release"/>.</summary>
    public void Hold() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => Interlocked.Exchange(ref _hold, null)?.TrySetResult();

    /// <summary>Waits (bounded, real time) until the receiver has seen <paramref name="count"/> requests.</summary>
    public async Task WaitForAsync(int count, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the receiver got {Count} requests, not {count}, within {seconds} s");
            await Task.Delay(10);
        }
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>Starts again on the port it had.</summary>
    public Task RestartAsync() => StartOnAsync(Port);

    public async ValueTask DisposeAsync()
    {
        Release();
        await StopAsync();
    }

    private async Task StartOnAsync(int port)
    {
        var (app, address) = await LoopbackServer.StartAsync(a => a.Run(HandleAsync), port);
        Port = address.Port;
        _app = app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = context.Request.Headers;
        _received.Enqueue(new ReceivedWebhook(
            context.Request.Path.Value ?? "",
            headers["webhook-id"].FirstOrDefault(),
            headers["webhook-timestamp"].FirstOrDefault(),
            headers["webhook-signature"].FirstOrDefault(),
            context.Request.ContentType,
            body));
        if (_hold is { } hold)
        {
            await hold.Task;
        }

        var answer = _script.TryDequeue(out var next) ? next : ScriptedAnswer.Ok;
        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(answer.Body);
    }
}
