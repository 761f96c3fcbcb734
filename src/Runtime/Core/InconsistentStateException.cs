namespace Scheduling.Runtime;

/// <summary>
/// A state write found a different version than the one the activation read: another activation
/// (here or in another silo) changed the state. The activation that sees it escape is deactivated,
/// so the next call reloads fresh state.
/// </summary>
public sealed class InconsistentStateException : Exception
{
    public InconsistentStateException()
    {
    }

    public InconsistentStateException(string message)
        : base(message)
    {
    }

    public InconsistentStateException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InconsistentStateException(string message, string? storedEtag, string? currentEtag)
        : base(message)
    {
        StoredEtag = storedEtag;
        CurrentEtag = currentEtag;
    }

    /// <summary>The version the storage holds, when the provider knows it.</summary>
    public string? StoredEtag { get; }

    /// <summary>The version the activation expected.</summary>
    public string? CurrentEtag { get; }
}
