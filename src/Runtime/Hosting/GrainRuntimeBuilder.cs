using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scheduling.Runtime.Storage;
using Scheduling.Runtime.Storage.Memory;

namespace Scheduling.Runtime.Hosting;

/// <summary>An assembly whose grain classes the silo hosts; registered in DI so hosts and tests can add their own.</summary>
public sealed record GrainAssembly(Assembly Assembly);

/// <summary>Configures the grain runtime: which grain classes exist and which storage provider holds their state.</summary>
public sealed class GrainRuntimeBuilder
{
    internal GrainRuntimeBuilder(IServiceCollection services)
    {
        Services = services;
    }

    public IServiceCollection Services { get; }


    /// <summary>Name of the configured storage provider ("Memory", "Postgres").</summary>
    public string? StorageProvider { get; private set; }

    /// <summary>Registers every grain class (non-abstract subclass of <see cref="Grain"/>) of the assembly.</summary>
    public GrainRuntimeBuilder AddGrains(Assembly assembly)
    {
        Services.AddGrainAssembly(assembly);
        return this;
    }

    /// <summary>Embedded storage: nothing to install, everything gone when the process exits.</summary>
    public GrainRuntimeBuilder UseMemoryStorage()
    {
        SetStorageProvider("Memory");
        Services.TryAddSingleton<MemoryStore>();
        Services.TryAddSingleton<IGrainStorage>(sp => sp.GetRequiredService<MemoryStore>());
        Services.TryAddSingleton<IOutboxStore>(sp => sp.GetRequiredService<MemoryStore>());
        Services.TryAddSingleton<IReminderTable>(sp => sp.GetRequiredService<MemoryStore>());
        Services.TryAddSingleton<IStorageHealth>(sp => sp.GetRequiredService<MemoryStore>());
        Services.TryAddSingleton<IIdGenerator, MemoryIdGenerator>();
        return this;
    }

    /// <summary>Records the provider choice; a second, different choice is a configuration error.</summary>
    public void SetStorageProvider(string name)
    {
        if (StorageProvider is not null && StorageProvider != name)
        {
            throw new InvalidOperationException($"Storage provider already set to {StorageProvider}; cannot also use {name}.");
        }

        StorageProvider = name;
    }
}
