using Scheduling.Grains.Storage.Postgres;

namespace Scheduling.Grains.Tests.Storage;

public sealed class PostgresStorageContractTests(PostgresStorageFixture fixture)
    : StorageContractTests, IClassFixture<PostgresStorageFixture>
{
    protected override async Task<StorageUnderTest> OpenEmptyAsync()
    {
        await fixture.ResetAsync();
        var states = fixture.CreateGrainStorage(new PostgresNoteWriter());
        return new StorageUnderTest(
            states,
            new PostgresOutboxStore(fixture.DataSource),
            new PostgresReminderTable(fixture.DataSource),
            states,
            ReadNotesAsync,
            fixture.WaitForOutboxHorizonAsync,
            states);
    }

    private async Task<IReadOnlyDictionary<string, string>> ReadNotesAsync()
    {
        var notes = new Dictionary<string, string>();
        await using var command = fixture.DataSource.CreateCommand("SELECT id, text FROM test_notes");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            notes.Add(reader.GetString(0), reader.GetString(1));
        }

        return notes;
    }
}
