using System.Net.Http.Json;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Metrics;
using Scheduling.ApiHost.Tests.Appointments;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.ApiHost.Tests.Webhooks;
using Scheduling.Contracts.Webhooks;
using Scheduling.Grains.Webhooks;
using Orleans;
using Orleans.Runtime;
using Scheduling.Grains.Storage;
using Scheduling.Silo.Webhooks;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Operations;

/// <summary>
/// Every dashboard query must name series the running app really exports: the API host on PostgreSQL,
/// on Kestrel, with an in-test exporter, is exercised (requests, grain calls, a storage conflict, a
/// reminder, a webhook delivery) and its instruments are translated to Prometheus names the way the OTLP receiver does.
/// </summary>
public sealed class DashboardMetricsTests
{
    /// <summary>Labels Prometheus adds itself: job and instance from the resource, le on histogram buckets.</summary>
    private static readonly HashSet<string> s_targetLabels = ["job", "instance"];

    [Fact]
    public async Task EveryDashboardQueryNamesMetricsAndLabelsTheRunningAppExports()
    {
        var exported = await ExerciseTheAppAsync();

        var series = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var instrument in exported)
        {
            foreach (var name in PrometheusNames.SeriesNames(instrument.Name, instrument.Unit, instrument.Type))
            {
                var labels = new HashSet<string>(instrument.AttributeKeys.Select(PrometheusNames.LabelName), StringComparer.Ordinal);
                labels.UnionWith(s_targetLabels);
                if (name.EndsWith("_bucket", StringComparison.Ordinal))
                {
                    labels.Add("le");
                }

                series[name] = labels;
            }
        }

        var queries = Dashboards.Queries().ToList();
        Assert.NotEmpty(queries);
        var problems = new StringBuilder();
        foreach (var query in queries)
        {
            var parsed = PromQuery.Parse(query.Text);
            if (parsed.Metrics.Count == 0)
            {
                problems.AppendLine($"{query.Dashboard}, {query.Where}: names no metric: {query.Text}");
            }

            foreach (var metric in parsed.Metrics.Where(m => !series.ContainsKey(m)))
            {
                problems.AppendLine($"{query.Dashboard}, {query.Where}: '{metric}' is not exported");
            }

            var known = parsed.Metrics.Where(series.ContainsKey).SelectMany(m => series[m]).ToHashSet(StringComparer.Ordinal);
            known.UnionWith(s_targetLabels);
            foreach (var label in parsed.Labels.Where(l => !known.Contains(l)))
            {
                problems.AppendLine($"{query.Dashboard}, {query.Where}: label '{label}' is on none of {string.Join(", ", parsed.Metrics)}");
            }
        }

        Assert.True(problems.Length == 0, problems.ToString() + "Exported: " + string.Join(", ", series.Keys.Order(StringComparer.Ordinal)));
    }

    private static async Task<IReadOnlyCollection<ExportedInstrument>> ExerciseTheAppAsync()
    {
        var metrics = new ExportedMetrics();
        await using var database = await PostgresTestDatabase.CreateAsync();
        await using var factory = new ApiHostFactory(
            "Postgres",
            database.ConnectionString,
            services: services =>
            {
                services.AddGrainAssembly(typeof(DashboardProbeGrain).Assembly);
                services.AddOpenTelemetry().WithMetrics(m => m.AddReader(metrics.Reader));
            },
            // Reminders fire when the test says so, not when a background pass happens to run.
            settings: new Dictionary<string, string?> { ["Workers:Enabled"] = "false", ["Webhooks:AllowPrivateTargets"] = "true" });

        // Kestrel rather than the in-memory test server, so its connection metrics exist too.
        factory.UseKestrel(0);
        factory.StartServer();
        var client = factory.CreateClient();

        Assert.True((await client.GetAsync("/health/ready")).IsSuccessStatusCode);
        Assert.True((await client.GetAsync("/api/v2/tz/list")).IsSuccessStatusCode);
        await client.GetAsync("/api/v2/no/such/endpoint");
        await client.PostAsync("/api/v2/account", new StringContent("{not json", Encoding.UTF8, "application/json"));
        var nick = $"dash{Guid.NewGuid():N}"[..20];
        var signUp = await Envelope.ReadAsync(await client.PostAsJsonAsync("/api/v2/account", new
        {
            company_name = "Dashboards", nick_name = nick, email = $"{nick}@example.test", password = "correct horse battery",
        }));
        Assert.Equal(0, signUp.StatusCode);

        // A booking, a refused one (its slot is taken) and an availability answer (the booking meters).
        var auth = await Envelope.ReadAsync(await client.PostAsync(
            $"/api/v2/account/authenticate?email={nick}@example.test&token={Uri.EscapeDataString(signUp.Data.GetProperty("api_key").GetString()!)}", null));
        var owner = factory.CreateClient();
        owner.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", auth.Data.GetProperty("session_token").GetString());
        var tenant = new Tenant(signUp.Data.GetProperty("company_id").GetInt64(), nick, $"{nick}@example.test", string.Empty, string.Empty, owner);
        var shop = await tenant.OpenShopAsync();
        Assert.Equal(0, (await tenant.BookAsync(shop.Booking("09:00"))).StatusCode);
        Assert.Equal(10, (await tenant.BookAsync(shop.Booking("09:00", email: "bo@example.test"))).StatusCode);
        Assert.Equal(0, (await tenant.GetAsync($"/api/v2/availability?service_id={shop.Service}&location_id={shop.Location}&start_date={BookingTestData.Day}&t=daily&return=times")).StatusCode);

        // Grain calls, a state write, then a write whose version moved on underneath (a storage conflict).
        var grains = factory.Services.GetRequiredService<IGrainFactory>();
        var probe = grains.GetGrain<IDashboardProbeGrain>(1);
        Assert.Equal(1, await probe.IncrementAsync());
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var bump = new NpgsqlCommand("UPDATE grain_state SET version = version + 1 WHERE state_name = 'dashboard-probe'", connection);
            Assert.Equal(1, await bump.ExecuteNonQueryAsync());
        }

        await Assert.ThrowsAsync<Orleans.Storage.InconsistentStateException>(probe.IncrementAsync);

        // A reminder tick (reminder lag) and an explicit deactivation.
        var reminded = grains.GetGrain<IDashboardProbeGrain>(2);
        await reminded.RemindNowAsync();
        Assert.Equal(1, await factory.Services.FireDueRemindersAsync());
        Assert.Equal(1, await reminded.RemindersReceivedAsync());
        await Reminders.ReminderTelemetryProbe.ExerciseAsync(factory.Services, signUp.Data.GetProperty("company_id").GetInt64());
        await reminded.DeactivateAsync();

        // A webhook delivery to a real receiver (outcome counter, receiver latency, delivery lag, depth gauges).
        await using (var receiver = await WebhookReceiver.StartAsync())
        {
            var company = signUp.Data.GetProperty("company_id").GetInt64();
            var hook = await grains.GetGrain<IWebhookSubscriptionsGrain>(company).CreateAsync(new WebhookSubscriptionChange(receiver.Url, [new WebhookEventChoice("*", true)], true));
            var now = DateTimeOffset.UtcNow;
            var delivery = WebhookDelivery.New(987654321, company, hook.Id, Guid.NewGuid(), "appointment.created", "{}", now, now);
            Assert.True(await factory.Services.GetRequiredService<IWebhookDeliveryStore>().AddAsync(delivery, CancellationToken.None));
            Assert.Equal(1, await factory.Services.GetRequiredService<WebhookDeliveryService>().DeliverDueAsync());
            Assert.Equal(1, receiver.Count);
        }

        // Deactivations finish after the call returns; collect until they are counted.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (metrics.Collect().All(i => i.Name != "scheduling.grain.deactivations") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        return metrics.Collect();
    }
}
