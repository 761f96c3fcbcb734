using Npgsql;
using Scheduling.Runtime.Hosting;

namespace Scheduling.Runtime.Tests.Storage;

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

    private static NpgsqlConnectionStringBuilder Apply(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        PostgresStorageRegistration.ApplyPoolDefaults(settings, connectionString);
        return settings;
    }
}
