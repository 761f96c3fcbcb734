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
