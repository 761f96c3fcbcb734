using System.Net;
using System.Net.Sockets;

namespace Scheduling.Silo.Tests.Harness;

/// <summary>Free loopback ports for processes the tests start.</summary>
public static class LocalPorts
{
    /// <summary>The first of <paramref name="count"/> consecutive ports that are free right now.</summary>
    public static int FreeRange(int count)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var first = Random.Shared.Next(20000, 60000 - count);
            if (Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"No {count} consecutive free loopback ports found.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
