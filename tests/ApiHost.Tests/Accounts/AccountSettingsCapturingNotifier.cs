using System.Collections.Concurrent;
using Scheduling.Grains.Notifications;

namespace Scheduling.ApiHost.Tests.Accounts;

/// <summary>A notifier that keeps what it is asked to send, for tests to read (registered with ConfigureTestServices).</summary>
public sealed class CapturingNotifier : INotifier
{
    private readonly ConcurrentQueue<EmailMessage> _sent = new();

    public IReadOnlyList<EmailMessage> Sent => [.. _sent];

    public IReadOnlyList<EmailMessage> To(string address) =>
        [.. _sent.Where(m => string.Equals(m.To, address, StringComparison.OrdinalIgnoreCase))];

    public Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        _sent.Enqueue(message);
        return Task.CompletedTask;
    }
}
