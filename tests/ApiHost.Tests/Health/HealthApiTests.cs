using Scheduling.ApiHost.Tests.Harness;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Health;

public sealed class HealthApiTests
{
    [Fact]
    public async Task LiveAnswersOk()
    {
        await using var factory = new ApiHostFactory();

        var envelope = await factory.CreateClient().GetEnvelopeAsync("/health/live");

        Assert.Equal((200, 0), (envelope.HttpStatus, envelope.StatusCode));
        Assert.Equal("live", envelope.Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task EnvelopesAreSentWithTheirLengthNotChunked()
    {
        // Kestrel, which frames a body of unknown length in chunks (the in-memory test server never does).
        await using var factory = new ApiHostFactory();
        factory.UseKestrel(0);
        factory.StartServer();
        var client = factory.CreateClient();

        foreach (var path in new[] { "/health/live", "/api/v2/appointment", "/api/v2/tz/list" })
        {
            using var response = await client.GetAsync(path);
            var body = await response.Content.ReadAsByteArrayAsync();

            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
            Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(System.Text.Json.JsonDocument.Parse(body).RootElement.TryGetProperty("statusCode", out _), path);
        }
    }

    [Fact]
    public async Task ReadyReportsTheMemoryStorageReachable()
    {
        await using var factory = new ApiHostFactory();

        var envelope = await factory.CreateClient().GetEnvelopeAsync("/health/ready");

        Assert.Equal((200, 0), (envelope.HttpStatus, envelope.StatusCode));
        Assert.Equal("memory", envelope.Data.GetProperty("storage").GetString());
    }

    [Fact]
    public async Task ReadyReportsPostgresReachableAndNotWhenTheDatabaseIsGone()
    {
        var database = await PostgresTestDatabase.CreateAsync();
        await using var factory = new ApiHostFactory("Postgres", database.ConnectionString);
        var client = factory.CreateClient();

        var ready = await client.GetEnvelopeAsync("/health/ready");
        Assert.Equal((200, 0), (ready.HttpStatus, ready.StatusCode));
        Assert.Equal("postgresql", ready.Data.GetProperty("storage").GetString());

        await database.DisposeAsync();
        var gone = await client.GetEnvelopeAsync("/health/ready");
        Assert.Equal((503, 4), (gone.HttpStatus, gone.StatusCode));
        Assert.Contains("not reachable", gone.StatusDescriptions);
    }
}
