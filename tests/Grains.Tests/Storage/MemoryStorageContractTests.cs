using Scheduling.Grains.Storage.Memory;

namespace Scheduling.Grains.Tests.Storage;

public sealed class MemoryStorageContractTests : StorageContractTests
{
    protected override Task<StorageUnderTest> OpenEmptyAsync()
    {
        var notes = new MemoryNoteTable();
        var store = new MemoryStore([notes]);
        return Task.FromResult(new StorageUnderTest(
            store,
            store,
            store,
            store,
            () => Task.FromResult(notes.Notes),
            () => Task.CompletedTask));
    }
}
