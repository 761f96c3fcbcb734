namespace Scheduling.Silo.Hosting;

/// <summary>The silo's background workers (one-shot reminders, webhook delivery), bound from configuration section "Workers".</summary>
public sealed class WorkerOptions
{
    public const string SectionName = "Workers";

    /// <summary>Name of this silo in leases and logs; defaults to machine name + process id.</summary>
    public string SiloName { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Run the background workers in this silo (API hosts of a cluster leave them to the worker silo).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often due one-shot reminders are looked for.</summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed reminder firing stays leased to this silo before another may take it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most reminders one claim takes.</summary>
    public int BatchSize { get; set; } = 256;
}
