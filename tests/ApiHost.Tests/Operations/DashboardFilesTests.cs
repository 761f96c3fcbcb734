using System.Text.RegularExpressions;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Operations;

/// <summary>The dashboards as Grafana provisions them from docker-compose: present, well formed, wired to the provisioned data source.</summary>
public sealed class DashboardFilesTests
{
    [Fact]
    public void TheFiveDashboardsExistWithStableUids()
    {
        var uids = Dashboards.Files.Select(f =>
        {
            using var document = Dashboards.Read(f);
            return document.RootElement.GetProperty("uid").GetString();
        });

        Assert.Equal(
            ["scheduling-api", "scheduling-booking", "scheduling-database", "scheduling-events", "scheduling-grains"],
            uids.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryPanelQueriesTheProvisionedPrometheusDataSource()
    {
        var provisioned = File.ReadAllText(RepositoryPaths.Combine("deploy", "grafana", "provisioning", "datasources", "datasources.yaml"));
        var prometheusUid = Regex.Match(provisioned, @"type:\s*prometheus\s*\n\s*uid:\s*(\S+)").Groups[1].Value;
        Assert.NotEmpty(prometheusUid);

        foreach (var file in Dashboards.Files)
        {
            using var document = Dashboards.Read(file);
            var panels = Dashboards.Panels(document.RootElement).ToList();
            Assert.True(panels.Count > 0, $"{file} has no panels");
            Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
            foreach (var panel in panels)
            {
                var where = $"{Path.GetFileName(file)} / {panel.GetProperty("title").GetString()}";
                Assert.True(panel.GetProperty("datasource").GetProperty("uid").GetString() == prometheusUid, where);
                var targets = panel.GetProperty("targets").EnumerateArray().ToList();
                Assert.True(targets.Count > 0, $"{where}: no query");
                Assert.All(targets, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("expr").GetString()), where));
                Assert.False(string.IsNullOrWhiteSpace(panel.GetProperty("description").GetString()), $"{where}: no description");
            }
        }
    }

    [Fact]
    public void GrafanaLoadsTheDashboardsFromWhereComposeMountsThem()
    {
        var provider = File.ReadAllText(RepositoryPaths.Combine("deploy", "grafana", "provisioning", "dashboards", "dashboards.yaml"));
        var compose = File.ReadAllText(RepositoryPaths.Combine("docker-compose.yml"));

        var path = Regex.Match(provider, @"path:\s*(\S+)").Groups[1].Value;
        Assert.Contains($"./dashboards:{path}:ro", compose, StringComparison.Ordinal);
        Assert.Contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro", compose, StringComparison.Ordinal);
    }
}
