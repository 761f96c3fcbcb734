using System.Collections.Concurrent;
using Scheduling.Grains.Notifications;

namespace Scheduling.TestSupport;

/// <summary>A notifier that keeps what it is asked to send, for tests to read (registered in place of the real one).</summary>
public sealed class CapturingNotifier : INotifier
{
    private readonly ConcurrentQueue<EmailMessage> _sent = new();

    public IReadOnlyList<EmailMessage> Sent => [.. _sent];

    public IReadOnlyList<EmailMessage> To(string address) =>
        [.. _sent.Where(m => string.Equals(m.To, address, StringComparison.OrdinalIgnoreCase))];

    /// <summary>
    /// The newest message to <paramref name="address"/> whose text has <paramref name="containing"/>: appointment
    /// e-mails follow from the appointment's event, after the request that made it has returned.
    /// </summary>
    public async Task<EmailMessage> WaitForAsync(string address, string containing, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            if (To(address).LastOrDefault(m => m.TextBody.Contains(containing, StringComparison.Ordinal)) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no e-mail to {address} containing '{containing}' arrived; sent: {string.Join(" | ", Sent.Select(m => $"{m.To}: {m.Subject}"))}");
            }

            await Task.Delay(20);
        }
    }

    public Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        _sent.Enqueue(message);
        return Task.CompletedTask;
    }
}
