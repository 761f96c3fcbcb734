using Scheduling.Grains.Storage;
using Scheduling.Grains.Storage.Memory;
using Scheduling.Grains.Storage.Postgres;

namespace Scheduling.Grains.Tests.Storage;

public sealed class IdGeneratorTests(PostgresStorageFixture fixture) : IClassFixture<PostgresStorageFixture>
{
    [Fact]
    public async Task TwoPostgresSilosAllocatingAtOnceNeverHandOutTheSameId()
    {
        var siloA = new PostgresIdGenerator(fixture.DataSource);
        var siloB = new PostgresIdGenerator(fixture.DataSource);

        var ids = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => (i % 2 == 0 ? siloA : siloB).NextIdAsync().AsTask()));

        Assert.Equal(1000, ids.Distinct().Count());
        Assert.All(ids, id => Assert.True(id >= 1000));
    }

    [Fact]
    public async Task MemoryIdsAreUniqueUnderConcurrency()
    {
        IIdGenerator ids = new MemoryIdGenerator();

        var allocated = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(async () => await ids.NextIdAsync())));

        Assert.Equal(1000, allocated.Distinct().Count());
    }
}
