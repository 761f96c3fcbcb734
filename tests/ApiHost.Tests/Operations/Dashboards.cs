using System.Text.Json;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Operations;

/// <summary>A query of a dashboard: where it is (dashboard / panel or variable) and its text.</summary>
public sealed record DashboardQuery(string Dashboard, string Where, string Text);

/// <summary>The Grafana dashboards under dashboards/, read as JSON.</summary>
public static class Dashboards
{
    public static IReadOnlyList<string> Files =>
        [.. Directory.GetFiles(RepositoryPaths.Combine("dashboards"), "*.json").Order(StringComparer.Ordinal)];

    public static JsonDocument Read(string file) => JsonDocument.Parse(File.ReadAllText(file));

    /// <summary>Panels at any depth (collapsed rows keep theirs nested), rows excluded.</summary>
    public static IEnumerable<JsonElement> Panels(JsonElement dashboard)
    {
        if (!dashboard.TryGetProperty("panels", out var panels))
        {
            yield break;
        }

        foreach (var panel in panels.EnumerateArray())
        {
            if (panel.GetProperty("type").GetString() != "row")
            {
                yield return panel;
            }

            foreach (var nested in Panels(panel))
            {
                yield return nested;
            }
        }
    }

    /// <summary>Every PromQL expression of the dashboards' panels and every query of their template variables.</summary>
    public static IEnumerable<DashboardQuery> Queries()
    {
        foreach (var file in Files)
        {
            using var document = Read(file);
            var root = document.RootElement;
            var title = root.GetProperty("title").GetString()!;
            foreach (var panel in Panels(root))
            {
                foreach (var target in panel.GetProperty("targets").EnumerateArray())
                {
                    yield return new DashboardQuery(title, $"panel '{panel.GetProperty("title").GetString()}'", target.GetProperty("expr").GetString()!);
                }
            }

            if (root.TryGetProperty("templating", out var templating))
            {
                foreach (var variable in templating.GetProperty("list").EnumerateArray().Where(v => v.GetProperty("type").GetString() == "query"))
                {
                    var query = variable.GetProperty("query");
                    var text = query.ValueKind == JsonValueKind.String ? query.GetString()! : query.GetProperty("query").GetString()!;
                    yield return new DashboardQuery(title, $"variable '{variable.GetProperty("name").GetString()}'", text);
                }
            }
        }
    }
}
