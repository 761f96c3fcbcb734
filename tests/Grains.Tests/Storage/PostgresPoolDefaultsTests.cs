using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Tests.Storage;

/// <summary>The pool keeps sessions and prepares hot statements unless the operator's connection string says otherwise.</summary>
public sealed class PostgresPoolDefaultsTests
{
    [Fact]
    public void ConnectionStringWithoutPoolSettingsGetsTheDefaults()
    {
        var settings = Apply("Host=db;Username=u;Database=d;Maximum Pool Size=50");

        Assert.True(settings.NoResetOnClose);
        Assert.Equal(64, settings.MaxAutoPrepare);
        Assert.Equal(50, settings.MaxPoolSize);
    }

    [Theory]
    [InlineData("Host=db;No Reset On Close=false;Max Auto Prepare=0")]
    [InlineData("Host=db;noresetonclose=false;MAXAUTOPREPARE=0")]
    public void SettingsTheConnectionStringGivesStandInAnySpelling(string connectionString)
    {
        var settings = Apply(connectionString);

        Assert.False(settings.NoResetOnClose);
        Assert.Equal(0, settings.MaxAutoPrepare);
    }

    [Fact]
    public async Task TheDataSourceOfThePostgresStoresGetsTheDefaults()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddPostgresDomainStores("Host=db;Username=u;Database=d;Max Auto Prepare=8");
        await using var provider = services.BuildServiceProvider();

        var settings = new NpgsqlConnectionStringBuilder(provider.GetRequiredService<NpgsqlDataSource>().ConnectionString);

        Assert.True(settings.NoResetOnClose);
        Assert.Equal(8, settings.MaxAutoPrepare);
    }

    private static NpgsqlConnectionStringBuilder Apply(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        DomainStores.ApplyPoolDefaults(settings, connectionString);
        return settings;
    }
}
