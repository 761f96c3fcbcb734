using System.Collections.Concurrent;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Scheduling.ApiHost.Tests.Operations;

/// <summary>An instrument as exported: name, unit, kind and every attribute key seen on its points.</summary>
public sealed record ExportedInstrument(string Name, string Unit, MetricType Type, IReadOnlySet<string> AttributeKeys);

/// <summary>
/// Collects what the SDK exports, on demand (<see cref="Collect"/>) rather than on a timer. Points are reused by
/// the SDK, so only what the dashboard check needs (names, units, kinds, attribute keys) is copied, during Export.
/// </summary>
public sealed class ExportedMetrics : BaseExporter<Metric>
{
    private readonly ConcurrentDictionary<string, ExportedInstrument> _instruments = new();

    public ExportedMetrics()
    {
        Reader = new BaseExportingMetricReader(this);
    }

    /// <summary>Add this to the meter provider; <see cref="Collect"/> flushes it on demand.</summary>
    public BaseExportingMetricReader Reader { get; }

    public IReadOnlyCollection<ExportedInstrument> Instruments => [.. _instruments.Values];

    public IReadOnlyCollection<ExportedInstrument> Collect()
    {
        Assert.True(Reader.Collect(10_000), "the metric reader did not collect");
        return Instruments;
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        foreach (var metric in batch)
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    keys.Add(tag.Key);
                }
            }

            _instruments.AddOrUpdate(
                metric.Name,
                _ => new ExportedInstrument(metric.Name, metric.Unit, metric.MetricType, keys),
                (_, known) => known with { AttributeKeys = new HashSet<string>(known.AttributeKeys.Union(keys), StringComparer.Ordinal) });
        }

        return ExportResult.Success;
    }
}
