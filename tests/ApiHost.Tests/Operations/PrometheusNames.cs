using System.Text.RegularExpressions;
using OpenTelemetry.Metrics;

namespace Scheduling.ApiHost.Tests.Operations;

/// <summary>
/// The names Prometheus gives an OTLP metric with its default translation (UnderscoreEscapingWithSuffixes,
/// as in prometheus/otlptranslator): name split on anything but letters, digits and colons; the unit's
/// word appended unless the name already has it; "total" last for monotonic sums; "ratio" for gauges of
/// unit 1; classic histograms as _bucket, _sum and _count series.
/// </summary>
public static partial class PrometheusNames
{
    private static readonly Dictionary<string, string> s_units = new(StringComparer.Ordinal)
    {
        ["d"] = "days", ["h"] = "hours", ["min"] = "minutes", ["s"] = "seconds", ["ms"] = "milliseconds",
        ["us"] = "microseconds", ["ns"] = "nanoseconds", ["By"] = "bytes", ["KiBy"] = "kibibytes",
        ["MiBy"] = "mebibytes", ["GiBy"] = "gibibytes", ["KBy"] = "kilobytes", ["MBy"] = "megabytes",
        ["GBy"] = "gigabytes", ["%"] = "percent", ["Hz"] = "hertz",
    };

    // otlptranslator keeps a unit it has no word for as it is (cleaned to [a-zA-Z0-9:_]). These are the ones Orleans'
    // meter uses instead of UCUM codes (orleans-messaging-sent-header-size "bytes", orleans-runtime-available-memory
    // "MB", orleans-reminders-tardiness "seconds", orleans-streams-queue-cache-length "messages").
    private static readonly HashSet<string> s_verbatimUnits = new(StringComparer.Ordinal) { "bytes", "MB", "seconds", "messages" };

    private static readonly Dictionary<string, string> s_perUnits = new(StringComparer.Ordinal)
    {
        ["s"] = "second", ["m"] = "minute", ["h"] = "hour", ["d"] = "day", ["w"] = "week", ["mo"] = "month", ["y"] = "year",
    };

    /// <summary>Every series name the instrument becomes in Prometheus.</summary>
    public static IReadOnlyList<string> SeriesNames(string name, string unit, MetricType type)
    {
        var tokens = NameSeparators().Split(name).Where(t => t.Length > 0).ToList();
        var (main, per) = UnitWords(unit, name);
        if (main is not null && !tokens.Contains(main))
        {
            tokens.Add(main);
        }

        if (per is not null && !tokens.Contains(per))
        {
            tokens.Add(per);
        }

        if (type is MetricType.LongSum or MetricType.DoubleSum)
        {
            tokens.Remove("total");
            tokens.Add("total");
        }

        if (unit == "1" && type is MetricType.LongGauge or MetricType.DoubleGauge)
        {
            tokens.Remove("ratio");
            tokens.Add("ratio");
        }

        var baseName = string.Join('_', tokens);
        return type == MetricType.Histogram
            ? [baseName + "_bucket", baseName + "_sum", baseName + "_count"]
            : [baseName];
    }

    /// <summary>An attribute key as a Prometheus label: every character outside [a-zA-Z0-9_] becomes '_'.</summary>
    public static string LabelName(string attributeKey)
    {
        var label = LabelInvalid().Replace(attributeKey, "_");
        return char.IsAsciiDigit(label[0]) ? "key_" + label : label;
    }

    // Annotations ({request}) carry no unit; "1" is dimensionless. An unknown unit fails loudly, so a new
    // instrument with an unusual unit makes these tables grow instead of guessing its Prometheus name.
    private static (string? Main, string? Per) UnitWords(string unit, string name)
    {
        var cleaned = Annotation().Replace(unit, string.Empty).Trim();
        if (cleaned.Length == 0 || cleaned == "1")
        {
            return (null, null);
        }

        var parts = cleaned.Split('/', 2);
        var main = parts[0].Length == 0 ? null : s_verbatimUnits.Contains(parts[0]) ? parts[0] : Lookup(s_units, parts[0]);
        var per = parts.Length == 2 ? "per_" + Lookup(s_perUnits, parts[1]) : null;
        return (main, per);

        string Lookup(Dictionary<string, string> table, string key) =>
            table.TryGetValue(key, out var word) ? word : throw new InvalidOperationException($"Unit '{unit}' of {name} is not in the translation table.");
    }

    [GeneratedRegex("[^a-zA-Z0-9:]|_")]
    private static partial Regex NameSeparators();

    [GeneratedRegex("[^a-zA-Z0-9_]")]
    private static partial Regex LabelInvalid();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Annotation();
}
