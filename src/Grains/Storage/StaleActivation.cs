namespace Scheduling.Grains.Storage;

/// <summary>
/// DESIGN §6: "a stale activation gets a conflict, reloads, and re-evaluates". A call that failed with
/// <see cref="Orleans.Storage.InconsistentStateException"/> wrote nothing, and Orleans dropped the stale activation, so
/// calling again reaches a fresh activation that decides from what is stored. Wrap calls whose grain
/// re-checks everything it decides (a booking re-checks the slot); a few attempts settle any race.
/// </summary>
public static class StaleActivation
{
    public const int DefaultAttempts = 4;

    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, int attempts = DefaultAttempts)
    {
        ArgumentNullException.ThrowIfNull(call);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Orleans.Storage.InconsistentStateException) when (attempt < attempts)
            {
                // The next attempt reaches a fresh activation.
            }
        }
    }
}
