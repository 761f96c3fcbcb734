namespace Scheduling.Runtime;

/// <summary>A grain timer; dispose to stop it. Timers die with their activation.</summary>
public interface IGrainTimer : IDisposable
{
    /// <summary>Moves the timer: next tick after <paramref name="dueTime"/>, then every <paramref name="period"/>.</summary>
    void Change(TimeSpan dueTime, TimeSpan period);
}

/// <summary>How a grain timer ticks.</summary>
/// <param name="DueTime">Delay before the first tick.</param>
/// <param name="Period">Delay between the end of one tick and the next; infinite for one tick.</param>
/// <param name="Interleave">Ticks may interleave with calls at await points.</param>
/// <param name="KeepAlive">Ticks count as activity, so the activation is not collected while the timer runs.</param>
public sealed record GrainTimerCreationOptions(TimeSpan DueTime, TimeSpan Period, bool Interleave = false, bool KeepAlive = false);
