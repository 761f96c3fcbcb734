using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Api;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.ApiHost.Tests.Locations;

namespace Scheduling.ApiHost.Tests.Api;

/// <summary>
/// Another company's session walks every authenticated route of the host with the first company's ids
/// (in the path, the query and the body) and gets none of its data: routes naming an entity answer
/// 404 / statusCode 7, the others show nothing of it; afterwards the first company's data is unchanged.
/// Routes come from the host's endpoint table, so a route added later is walked too.
/// </summary>
public abstract partial class TenantIsolationTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    protected override IReadOnlyDictionary<string, string?>? Settings => new Dictionary<string, string?> { ["Webhooks:AllowPrivateTargets"] = "true" };

    [Fact]
    public async Task AnotherCompanysSessionGetsNoDataFromAnyRoute()
    {
        var owner = await SignUpAsync("owner");
        var marker = $"secret{Guid.NewGuid():N}"[..20];
        var ids = await CreateOneOfEverythingAsync(owner, marker);
        var snapshot = await SnapshotAsync(owner);
        var intruder = await SignUpAsync("intruder");

        var walked = 0;
        var leaks = new List<string>();
        foreach (var (method, pattern) in SessionRoutes())
        {
            var path = FillRoute(pattern, ids, out var namesEntity);
            if (path is null)
            {
                continue;
            }

            var query = string.Join('&', ids.Select(p => $"{p.Key}={p.Value}"));
            using var request = new HttpRequestMessage(new HttpMethod(method), $"{path}{(path.Contains('?') ? '&' : '?')}{query}");
            if (method is "POST" or "PUT")
            {
                request.Content = JsonContent.Create(ids.ToDictionary(p => p.Key, p => (object)p.Value));
            }

            var response = await intruder.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            walked++;
            if (body.Contains(marker, StringComparison.Ordinal))
            {
                leaks.Add($"{method} {pattern}: shows the owner's data");
            }

            if (namesEntity)
            {
                var envelope = JsonSerializer.Deserialize<JsonElement>(body);
                if ((int)response.StatusCode != 404 || envelope.GetProperty("statusCode").GetInt32() != 7)
                {
                    leaks.Add($"{method} {pattern}: answered {(int)response.StatusCode} / {envelope.GetProperty("statusCode")} ({envelope.GetProperty("statusDescriptions")})");
                }
            }
        }

        Assert.True(walked >= 40, $"only {walked} routes walked");
        Assert.True(leaks.Count == 0, string.Join(Environment.NewLine, leaks));
        Assert.Equal(snapshot, await SnapshotAsync(owner));
    }

    // Every /api/v2 route whose handler needs a session, except logout (it would end the walk).
    private IEnumerable<(string Method, string Pattern)> SessionRoutes() =>
        Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v2", StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.OfType<MethodInfo>().Any(m => m.GetParameters().Any(p => p.ParameterType == typeof(ApiCall))))
            .Where(e => !e.RoutePattern.RawText!.Contains("logout", StringComparison.OrdinalIgnoreCase))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (m, e.RoutePattern.RawText!)))
            .Distinct()
            .OrderBy(r => r.Item2, StringComparer.Ordinal);

    // Puts the owner's ids into the route's parameters; null when the route takes a parameter we cannot fill.
    private static string? FillRoute(string pattern, IReadOnlyDictionary<string, long> ids, out bool namesEntity)
    {
        var names = false;
        var unknown = false;
        var path = RouteParameter().Replace(pattern, match =>
        {
            var name = match.Groups[1].Value;
            if (name is "nickname" or "email")
            {
                return "someone";
            }

            names = true;
            var area = pattern.Split('/')[3].ToLowerInvariant();
            var key = name == "delivery_id" ? "delivery_id" : area switch
            {
                "location" => "location_id",
                "employee" => "employee_id",
                "service" => "service_id",
                "client" => "client_id",
                "customfield" => "custom_field_id",
                "subscribe" => "subscription_id",
                "availability" => "holiday_id",
                "appointment" => "appointment_id",
                _ => null,
            };
            if (key is null || !ids.TryGetValue(key, out var id))
            {
                unknown = true;
                return "0";
            }

            return id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        namesEntity = names;
        return unknown ? null : path.TrimEnd('/');
    }

    private static async Task<Dictionary<string, long>> CreateOneOfEverythingAsync(Tenant owner, string marker)
    {
        var location = await owner.CreateLocationAsync($"{marker} location");
        var service = await owner.CreateServiceAsync($"{marker} service", 30);
        var employee = await owner.CreateEmployeeAsync($"{marker}emp");
        await owner.PostJsonAsync($"/api/v2/location/assignServices?location_id={location}", new Dictionary<string, long[]> { [$"{employee}"] = [service] });
        await owner.PutJsonAsync($"/api/v2/employee/{employee}/assignAvailability", new
        {
            availabilities = new[] { new { repeat = 1, type = 0, location_id = location, days = new { mo = new { time = new[] { new[] { "09:00", "12:00" } } } } } },
        });
        var appointment = await owner.PostJsonAsync("/api/v2/appointment", new
        {
            employee_id = employee, location_id = location, service_id = service, start_date = "2031-06-02 09:00",
            client_name = $"{marker} booked", client_email = $"{marker}-booked@example.test", note = marker,
        });
        Assert.True(appointment.StatusCode == 0, appointment.StatusDescriptions);
        var client = (await owner.PostJsonAsync("/api/v2/client", new { email = $"{marker}@example.test", name = $"{marker} client" })).Data;
        var field = (await owner.PostJsonAsync("/api/v2/customfield", new { label = $"{marker} field" })).Data;
        var holiday = (await owner.PostJsonAsync("/api/v2/availability/saveHoliday", new { name = $"{marker} holiday", type = 2, start_date = "2031-7-4" })).Data;
        var hook = (await owner.PostJsonAsync("/api/v2/subscribe", new { target_url = $"http://127.0.0.1:9/{marker}", events = "*" })).Data;

        // A change after subscribing makes a webhook delivery (the workers record it; port 9 refuses, so it waits for a retry).
        Assert.Equal(0, (await owner.PutJsonAsync($"/api/v2/appointment/{Id(appointment.Data)}", new { note = $"{marker} changed" })).StatusCode);
        var delivery = await FirstDeliveryAsync(owner, Id(hook));
        return new Dictionary<string, long>
        {
            ["location_id"] = location,
            ["service_id"] = service,
            ["employee_id"] = employee,
            ["provider"] = employee,
            ["provider_id"] = employee,
            ["location"] = location,
            ["service"] = service,
            ["client_id"] = Id(client),
            ["custom_field_id"] = Id(field),
            ["holiday_id"] = Id(holiday),
            ["subscription_id"] = Id(hook),
            ["delivery_id"] = delivery,
            ["appointment_id"] = Id(appointment.Data),
            ["id"] = location,
        };
    }

    private static async Task<long> FirstDeliveryAsync(Tenant owner, long hook)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var deliveries = (await owner.GetAsync($"/api/v2/subscribe/{hook}/deliveries")).Data;
            if (deliveries.GetArrayLength() > 0)
            {
                return deliveries[0].GetProperty("id").GetInt64();
            }

            Assert.True(DateTime.UtcNow < deadline, "no webhook delivery was recorded within 15 s");
            await Task.Delay(20);
        }
    }

    private static long Id(JsonElement data)
    {
        var record = data.ValueKind == JsonValueKind.Array ? data[0] : data;
        return (record.TryGetProperty("id", out var id) ? id : record.GetProperty("client_id")).GetInt64();
    }

    // Everything the owner can read, as text: the walk must leave it exactly as it was.
    private static async Task<string> SnapshotAsync(Tenant owner)
    {
        var parts = new List<string>();
        foreach (var url in new[] { "/api/v2/account", "/api/v2/appointment", "/api/v2/location?include_links=1", "/api/v2/employee?statuses=all", "/api/v2/service", "/api/v2/client", "/api/v2/customfield", "/api/v2/availability/getHoliday", "/api/v2/subscribe", "/api/v2/employee/getAvailabilityTime", "/api/v2/account/getOptions" })
        {
            parts.Add(await owner.Client.GetStringAsync(url));
        }

        return string.Join("\n", parts);
    }

    [GeneratedRegex(@"\{([a-zA-Z_]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}

public sealed class TenantIsolationMemoryTests(MemoryApiStorage storage) : TenantIsolationTests<MemoryApiStorage>(storage);

public sealed class TenantIsolationPostgresTests(PostgresApiStorage storage) : TenantIsolationTests<PostgresApiStorage>(storage);
