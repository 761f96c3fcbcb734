using System.Diagnostics;
using System.Diagnostics.Metrics;
using Scheduling.Runtime.Dispatch;

namespace Scheduling.Runtime.Telemetry;

/// <summary>
/// The runtime's traces and metrics. Names are part of the operators' contract: dashboards/ query
/// them under their Prometheus names (dots to underscores, "_seconds" for unit s, "_total" for counters).
/// </summary>
public static class RuntimeTelemetry
{
    public const string SourceName = "Scheduling.Runtime";
    public const string MeterName = "Scheduling.Runtime";

    private static readonly double[] s_latencyBuckets =
        [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private static readonly ActivitySource s_source = new(SourceName);
    private static readonly Meter s_meter = new(MeterName);

    private static readonly Histogram<double> s_callDuration = s_meter.CreateHistogram(
        "scheduling.grain.call.duration", "s", "Grain call duration from enqueue to completion, by grain type, method and outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });

    private static readonly Histogram<double> s_mailboxWait = s_meter.CreateHistogram(
        "scheduling.grain.mailbox.wait", "s", "Time a message waited in its activation's mailbox before its turn started.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });

    private static readonly Counter<long> s_activations = s_meter.CreateCounter<long>(
        "scheduling.grain.activations.created", "{activation}", "Activations created, by grain type.");

    private static readonly Counter<long> s_deactivations = s_meter.CreateCounter<long>(
        "scheduling.grain.deactivations", "{activation}", "Activations deactivated, by grain type and reason.");

    private static readonly Histogram<double> s_storageDuration = s_meter.CreateHistogram(
        "scheduling.storage.operation.duration", "s", "Grain storage operation duration, by provider, operation and outcome.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });

    private static readonly Counter<long> s_conflicts = s_meter.CreateCounter<long>(
        "scheduling.storage.conflicts", "{conflict}", "State writes refused because the stored version moved on (ETag conflicts), by grain type.");

    private static readonly Histogram<double> s_reminderLag = s_meter.CreateHistogram(
        "scheduling.reminder.lag", "s", "How late a reminder tick was delivered after its due time.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900] });

    internal static Activity? StartCall(string method, GrainId grainId)
    {
        if (!s_source.HasListeners())
        {
            return null;
        }

        var activity = s_source.StartActivity(method, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("rpc.system", "scheduling-grains");
            activity.SetTag("rpc.method", method);
            activity.SetTag("grain.id", grainId.ToString());
        }

        return activity;
    }

    internal static void EndCall(GrainRequest request, string grainType, Task turn, TimeSpan elapsed)
    {
        var outcome = turn.IsCompletedSuccessfully ? "ok" : "error";
        if (request.Activity is { } activity)
        {
            if (!turn.IsCompletedSuccessfully)
            {
                activity.SetStatus(ActivityStatusCode.Error, turn.Exception?.InnerException?.Message);
            }

            activity.Stop();
        }

        if (s_callDuration.Enabled)
        {
            s_callDuration.Record(elapsed.TotalSeconds, new TagList
            {
                { "grain.type", grainType },
                { "grain.method", request.Name },
                { "outcome", outcome },
            });
        }
    }

    internal static void RecordTimeout(GrainRequest request, string grainType)
    {
        if (s_callDuration.Enabled)
        {
            s_callDuration.Record(0, new TagList
            {
                { "grain.type", grainType },
                { "grain.method", request.Name },
                { "outcome", "timeout" },
            });
        }
    }

    internal static void RecordMailboxWait(string grainType, TimeSpan wait)
    {
        if (s_mailboxWait.Enabled)
        {
            s_mailboxWait.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("grain.type", grainType));
        }
    }

    internal static void RecordActivation(string grainType) =>
        s_activations.Add(1, new KeyValuePair<string, object?>("grain.type", grainType));

    internal static void RecordDeactivation(string grainType, Runtime.DeactivationReason reason) =>
        s_deactivations.Add(1, new KeyValuePair<string, object?>("grain.type", grainType), new KeyValuePair<string, object?>("reason", reason.ToString()));

    internal static void RecordStorage(string provider, string operation, string outcome, TimeSpan elapsed)
    {
        if (s_storageDuration.Enabled)
        {
            s_storageDuration.Record(elapsed.TotalSeconds, new TagList
            {
                { "db.system", provider },
                { "operation", operation },
                { "outcome", outcome },
            });
        }
    }

    internal static void RecordConflict(string grainType) =>
        s_conflicts.Add(1, new KeyValuePair<string, object?>("grain.type", grainType));

    internal static void RecordReminderLag(TimeSpan lag) => s_reminderLag.Record(Math.Max(0, lag.TotalSeconds));
}
