using System.Net.Http.Headers;
using System.Text.Json;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Locations;

/// <summary>Builders for the catalog suites: a location, employee or service in a few words, and a tiny image to upload.</summary>
public static class CatalogTestData
{
    /// <summary>The smallest body the media store takes for a PNG: its signature (the type is read from the content).</summary>
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D];

    public static async Task<long> CreateLocationAsync(this Tenant tenant, string name = "Main street", object? links = null)
    {
        var created = await tenant.PostJsonAsync("/api/v2/location", new Dictionary<string, object?> { ["name"] = name, ["links"] = links });
        Assert.True(created.StatusCode == 0, created.StatusDescriptions);
        return created.Data[0].GetProperty("id").GetInt64();
    }

    public static async Task<long> CreateEmployeeAsync(this Tenant tenant, string firstName = "Ada", bool active = true, object? links = null)
    {
        var created = await tenant.PostJsonAsync("/api/v2/employee", new Dictionary<string, object?>
        {
            ["first_name"] = firstName,
            ["last_name"] = "Lovelace",
            ["email"] = $"{firstName.ToLowerInvariant()}-{Guid.NewGuid():N}@example.test",
            ["status"] = active,
            ["links"] = links,
        });
        Assert.True(created.StatusCode == 0, created.StatusDescriptions);
        return created.Data[0].GetProperty("id").GetInt64();
    }

    public static async Task<long> CreateServiceAsync(this Tenant tenant, string name = "Haircut", int duration = 30, object? extra = null)
    {
        var fields = new Dictionary<string, object?> { ["name"] = name, ["duration"] = duration };
        if (extra is not null)
        {
            foreach (var property in JsonSerializer.SerializeToElement(extra).EnumerateObject())
            {
                fields[property.Name] = property.Value;
            }
        }

        var created = await tenant.PostJsonAsync("/api/v2/service", fields);
        Assert.True(created.StatusCode == 0, created.StatusDescriptions);
        return created.Data.GetProperty("id").GetInt64();
    }

    public static async Task<Envelope> UploadAsync(this Tenant tenant, string url, byte[] content, string fileName = "avatar.png")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "photo", fileName);
        return await Envelope.ReadAsync(await tenant.Client.PostAsync(url, form));
    }

    public static async Task<Envelope> SendAsync(this Tenant tenant, HttpMethod method, string url, string? json = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        return await Envelope.ReadAsync(await tenant.Client.SendAsync(request));
    }

    /// <summary>The ids of a list response, in order.</summary>
    public static long[] Ids(this Envelope envelope) =>
        [.. envelope.Data.EnumerateArray().Select(e => e.GetProperty("id").GetInt64())];

    /// <summary>A links object as {"outer": ["inner", ...]} for easy comparison.</summary>
    public static Dictionary<string, string[]> Links(this JsonElement entity) =>
        entity.GetProperty("links").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateObject().Select(i => i.Name).ToArray());
}
