using OpenTelemetry.Metrics;

namespace Scheduling.ApiHost.Tests.Operations;

/// <summary>The checker's own rules, against names Prometheus is documented to produce.</summary>
public sealed class PrometheusNamesTests
{
    [Theory]
    [InlineData("http.server.request.duration", "s", MetricType.Histogram, "http_server_request_duration_seconds_bucket,http_server_request_duration_seconds_sum,http_server_request_duration_seconds_count")]
    [InlineData("http.server.active_requests", "{request}", MetricType.LongSumNonMonotonic, "http_server_active_requests")]
    [InlineData("scheduling.outbox.delivered", "{event}", MetricType.LongSum, "scheduling_outbox_delivered_total")]
    [InlineData("dotnet.process.cpu.time", "s", MetricType.DoubleSum, "dotnet_process_cpu_time_seconds_total")]
    [InlineData("dotnet.process.memory.working_set", "By", MetricType.LongSumNonMonotonic, "dotnet_process_memory_working_set_bytes")]
    [InlineData("db.client.operation.npgsql.bytes_read", "By", MetricType.LongSum, "db_client_operation_npgsql_bytes_read_total")]
    [InlineData("requests.total", "", MetricType.LongSum, "requests_total")]
    [InlineData("cache.hit", "1", MetricType.DoubleGauge, "cache_hit_ratio")]
    [InlineData("network.io", "By/s", MetricType.DoubleGauge, "network_io_bytes_per_second")]
    [InlineData("orleans-app-requests-latency", "ms", MetricType.Histogram, "orleans_app_requests_latency_milliseconds_bucket,orleans_app_requests_latency_milliseconds_sum,orleans_app_requests_latency_milliseconds_count")]
    [InlineData("orleans-catalog-activation-created", "", MetricType.LongSum, "orleans_catalog_activation_created_total")]
    [InlineData("orleans-grains", "", MetricType.LongSumNonMonotonic, "orleans_grains")]
    [InlineData("orleans-messaging-sent-header-size", "bytes", MetricType.LongSum, "orleans_messaging_sent_header_size_bytes_total")]
    [InlineData("orleans-runtime-available-memory", "MB", MetricType.LongGauge, "orleans_runtime_available_memory_MB")]
    [InlineData("orleans-reminders-tardiness", "seconds", MetricType.Histogram, "orleans_reminders_tardiness_seconds_bucket,orleans_reminders_tardiness_seconds_sum,orleans_reminders_tardiness_seconds_count")]
    public void InstrumentsGetTheNamesOfPrometheusOtlpTranslation(string name, string unit, MetricType type, string expected)
    {
        Assert.Equal(expected.Split(','), PrometheusNames.SeriesNames(name, unit, type));
    }

    [Fact]
    public void AnUnknownUnitFailsInsteadOfGuessing()
    {
        Assert.Throws<InvalidOperationException>(() => PrometheusNames.SeriesNames("x.y", "furlong", MetricType.DoubleGauge));
    }

    [Theory]
    [InlineData("http.route", "http_route")]
    [InlineData("db.client.connection.pool.name", "db_client_connection_pool_name")]
    [InlineData("9lives", "key_9lives")]
    public void AttributeKeysBecomeLabelNames(string key, string expected)
    {
        Assert.Equal(expected, PrometheusNames.LabelName(key));
    }

    [Fact]
    public void QueriesYieldTheirMetricsAndLabelsButNotFunctionsOrKeywords()
    {
        var query = PromQuery.Parse(
            """histogram_quantile(0.95, sum by (le, http_route) (rate(http_server_request_duration_seconds_bucket{job=~"$job", http_route!="/health/{x}"}[$__rate_interval])))"""
            + """ / on (job) group_left sum(rate(other_total[5m] offset 1h)) without (instance) > bool 1e3""");

        Assert.Equal(["http_server_request_duration_seconds_bucket", "other_total"], query.Metrics.Order());
        Assert.Equal(["http_route", "instance", "job", "le"], query.Labels.Order());
    }

    [Fact]
    public void LabelValuesVariablesYieldTheirMetricAndLabel()
    {
        var query = PromQuery.Parse("label_values(http_server_request_duration_seconds_count{job=~\"$job\"}, instance)");

        Assert.Equal(["http_server_request_duration_seconds_count"], query.Metrics);
        Assert.Equal(["instance", "job"], query.Labels.Order());
    }
}
