using System.Text.RegularExpressions;

namespace Scheduling.ApiHost.Tests.Operations;

/// <summary>The metric and label names a dashboard query (PromQL or a Grafana label_values(...) query) refers to.</summary>
public sealed record PromQuery(IReadOnlySet<string> Metrics, IReadOnlySet<string> Labels)
{
    private static readonly HashSet<string> s_keywords =
        ["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan"];

    public static PromQuery Parse(string query)
    {
        var metrics = new HashSet<string>(StringComparer.Ordinal);
        var labels = new HashSet<string>(StringComparer.Ordinal);

        // Grafana's variables: intervals become a duration; ${x} / $x appear only inside label values.
        var text = Regex.Replace(query, @"\$__(rate_interval|interval|range)\b", "5m");

        // label_values(metric, label) and label_values(label): Grafana template queries.
        var labelValues = Regex.Match(text, @"^\s*label_values\(\s*(?:(?<selector>.+)\s*,\s*)?(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$", RegexOptions.Singleline);
        if (labelValues.Success)
        {
            labels.Add(labelValues.Groups["label"].Value);
            if (!labelValues.Groups["selector"].Success)
            {
                return new PromQuery(metrics, labels);
            }

            text = labelValues.Groups["selector"].Value;
        }

        text = Regex.Replace(text, @"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'|`[^`]*`", "\"\"");
        text = Regex.Replace(text, @"\{([^}]*)\}", m =>
        {
            foreach (Match matcher in Regex.Matches(m.Groups[1].Value, @"([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)"))
            {
                labels.Add(matcher.Groups[1].Value);
            }

            return " ";
        });
        text = Regex.Replace(text, @"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)", m =>
        {
            foreach (var label in m.Groups[2].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                labels.Add(label);
            }

            return " ";
        });
        text = Regex.Replace(text, @"\[[^\]]*\]", " ");
        text = Regex.Replace(text, @"\boffset\s+-?[0-9a-z]+", " ");

        foreach (Match identifier in Regex.Matches(text, @"(?<![a-zA-Z0-9_:.])[a-zA-Z_:][a-zA-Z0-9_:]*(?<call>\s*\()?"))
        {
            var name = identifier.Value.TrimEnd('(', ' ', '\t', '\n', '\r');
            if (identifier.Groups["call"].Success || s_keywords.Contains(name.ToLowerInvariant()))
            {
                continue;
            }

            metrics.Add(name);
        }

        return new PromQuery(metrics, labels);
    }
}
