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
/// Every dashboard query must name series the running app really exports: the API host (an Orleans silo) on PostgreSQL,
/// on Kestrel, with an in-test exporter, is exercised (requests, grain calls, a timed-out and a canceled call, storage
/// conflicts and a failed read, a long turn, stream deliveries, reminders, deactivations, a webhook delivery) and its
/// instruments are translated to Prometheus names the way the OTLP receiver does.
/// </summary>
public sealed class DashboardMetricsTests
{
    /// <summary>Labels Prometheus adds itself: job and instance from the resource, le on histogram buckets.</summary>
    private static readonly HashSet<string> s_targetLabels = ["job", "instance"];

    [Fact]
    public async Task EveryDashboardQueryNamesMetricsAndLabelsTheRunningAppExports()
    {
        var queries = Dashboards.Queries().ToList();
        Assert.NotEmpty(queries);
        var series = Series(await ExerciseTheAppAsync(queries));

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

    /// <summary>The Prometheus series the instruments become, each with its labels.</summary>
    private static Dictionary<string, HashSet<string>> Series(IEnumerable<ExportedInstrument> exported)
    {
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

        return series;
    }

    private static async Task<IReadOnlyCollection<ExportedInstrument>> ExerciseTheAppAsync(IReadOnlyList<DashboardQuery> queries)
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

        // Grain calls and state writes; then a write and a clear whose stored version moved on underneath (storage
        // conflicts: Orleans counts them as write and clear errors and drops the activation, the next call re-reads).
        var grains = factory.Services.GetRequiredService<IGrainFactory>();
        var probe = grains.GetGrain<IDashboardProbeGrain>(1);
        Assert.Equal(1, await probe.IncrementAsync());
        Assert.Equal(1, await ExecuteAsync(database, "UPDATE grain_state SET version = version + 1 WHERE state_name = 'dashboard-probe'"));
        await Assert.ThrowsAsync<Orleans.Storage.InconsistentStateException>(probe.IncrementAsync);
        Assert.Equal(2, await probe.IncrementAsync());
        Assert.Equal(1, await ExecuteAsync(database, "UPDATE grain_state SET version = version + 1 WHERE state_name = 'dashboard-probe'"));
        await Assert.ThrowsAsync<Orleans.Storage.InconsistentStateException>(probe.ClearAsync);
        await probe.ClearAsync();

        // A call that outlives its response timeout, one its caller cancels, and a turn longer than Orleans' warning threshold.
        await Assert.ThrowsAsync<TimeoutException>(() => grains.GetGrain<IDashboardProbeGrain>(3).StallAsync(TimeSpan.FromSeconds(3)));
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => grains.GetGrain<IDashboardProbeGrain>(4).WaitAsync(cancel.Token));
        }

        await grains.GetGrain<IDashboardProbeGrain>(5).BlockAsync(TimeSpan.FromMilliseconds(1_100));

        // The booking's events reach their subscribers through the outbox stream (Orleans' pulling agents), and the
        // reminders they set (its e-mails) are due now: fire them first, so the counts below are the probe's own.
        do
        {
            await factory.Services.DeliverStreamsAsync();
        }
        while (await factory.Services.FireDueRemindersAsync() > 0);

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

        // A state that no longer reads: the probe's next activation fails (a storage read error, a failed activation).
        await probe.DeactivateAsync();
        await WaitUntilAsync(async () => !await factory.Services.IsActiveAsync(probe.GetGrainId()), "the probe was not deactivated");
        Assert.True(await ExecuteAsync(database, "UPDATE grain_state SET payload = '[]'::jsonb WHERE state_name = 'dashboard-probe'") >= 1);
        await Assert.ThrowsAnyAsync<Exception>(probe.IncrementAsync);

        // Deactivations (orleans-catalog-activation-shutdown / -deactivation-latency) and stream deliveries finish after
        // the calls that caused them return: collect until every series the dashboards query is there, or give up and
        // let the check name what is missing.
        var wanted = queries.SelectMany(q => PromQuery.Parse(q.Text).Metrics).ToHashSet(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!wanted.IsSubsetOf(Series(metrics.Collect()).Keys) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return metrics.Collect();
    }

    private static async Task<int> ExecuteAsync(PostgresTestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(20);
        }
    }
}
