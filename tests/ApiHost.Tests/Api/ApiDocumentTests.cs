using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.Api;

public sealed class ApiDocumentTests
{
    [Fact]
    public async Task OpenApiDocumentDescribesEveryApiEndpoint()
    {
        await using var factory = new ApiHostFactory();
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v2.json");
        var paths = document.GetProperty("paths");

        var routes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v2", StringComparison.Ordinal) == true && !e.RoutePattern.RawText.Contains("**", StringComparison.Ordinal))
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => (Path: DocumentPath(e.RoutePattern.RawText!), Method: m.ToLowerInvariant())))
            .ToList();

        Assert.NotEmpty(routes);
        var missing = routes.Where(r => !paths.TryGetProperty(r.Path, out var path) || !path.TryGetProperty(r.Method, out _)).ToList();
        Assert.True(missing.Count == 0, "not in the document: " + string.Join(", ", missing));
    }

    // The document writes {id:long} and {name?} as {id} and {name}.
    private static string DocumentPath(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route.TrimEnd('/'), @"\{([^}:?]+)[^}]*\}", "{$1}");

    [Fact]
    public async Task DocumentDescribesSignUpFieldsAndTheSessionScheme()
    {
        await using var factory = new ApiHostFactory();
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v2.json");

        var signUp = document.GetProperty("paths").GetProperty("/api/v2/account").GetProperty("post");
        var properties = signUp.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("properties");
        Assert.Equal(128, properties.GetProperty("company_name").GetProperty("maxLength").GetInt32());
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("session").GetProperty("scheme").GetString());
        var summary = document.GetProperty("paths").GetProperty("/api/v2/account").GetProperty("get");
        Assert.True(summary.TryGetProperty("security", out _));
    }
}
