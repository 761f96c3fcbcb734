namespace Scheduling.Runtime.Hosting;

/// <summary>Runtime settings, bound from configuration section "Runtime".</summary>
public sealed class GrainRuntimeOptions
{
    public const string SectionName = "Runtime";

    /// <summary>Name of this silo in leases and logs; defaults to machine name + process id.</summary>
    public string SiloName { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>An activation idle this long is collected.</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the collector looks for idle activations.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A call not answered within this time fails with <see cref="TimeoutException"/>.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Run background workers (reminders, stream delivery) in this silo.</summary>
    public bool WorkersEnabled { get; set; } = true;

    /// <summary>How often due reminders are looked for.</summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed reminder firing or outbox message stays leased to this silo.</summary>
    public TimeSpan WorkLease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the outbox is polled when no signal arrives, and how often a pump busy with its own rows claims others.</summary>
    public TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After a wake-up the stream pump waits this long before its pass, so one pass takes the events of many
    /// commits instead of one pass per commit (events are asynchronous; this bounds their extra delay).
    /// </summary>
    public TimeSpan StreamBatchDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Most messages or reminders one claim takes.</summary>
    public int WorkBatchSize { get; set; } = 256;
}
