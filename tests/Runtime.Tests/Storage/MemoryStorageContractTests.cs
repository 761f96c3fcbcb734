using Scheduling.Runtime.Storage.Memory;

namespace Scheduling.Runtime.Tests.Storage;

public sealed class MemoryStorageContractTests : StorageContractTests
{
    protected override Task<StorageUnderTest> OpenEmptyAsync()
    {
        var store = new MemoryStore();
        return Task.FromResult(new StorageUnderTest(store, store, store, store));
    }
}
