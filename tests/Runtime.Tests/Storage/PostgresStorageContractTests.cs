using Scheduling.Runtime.Storage.Postgres;

namespace Scheduling.Runtime.Tests.Storage;

public sealed class PostgresStorageContractTests(PostgresStorageFixture fixture)
    : StorageContractTests, IClassFixture<PostgresStorageFixture>
{
    protected override async Task<StorageUnderTest> OpenEmptyAsync()
    {
        await fixture.ResetAsync();
        var grains = fixture.CreateGrainStorage();
        return new StorageUnderTest(
            grains,
            new PostgresOutboxStore(fixture.DataSource, fixture.Options),
            new PostgresReminderTable(fixture.DataSource),
            grains);
    }
}
