using Npgsql;
using Scheduling.Grains.Storage.Postgres;

namespace Scheduling.Grains.Tests.Storage;

/// <summary>Grouped statements keep finding their rows by key, whatever the table held when they were first planned.</summary>
public sealed class KeyLookupPlansTests(PostgresStorageFixture fixture) : IClassFixture<PostgresStorageFixture>
{
    [Fact]
    public async Task AGroupedLookupPlannedOnASmallTableStillGoesByTheKeyOnceTheTableHasGrown()
    {
        await using var connection = await fixture.DataSource.OpenConnectionAsync();
        await ExecuteAsync(connection, "CREATE TEMP TABLE keyed (k bigint PRIMARY KEY, v text NOT NULL)");
        await ExecuteAsync(connection, "INSERT INTO keyed SELECT g, 'v' FROM generate_series(1, 20) AS g");
        await ExecuteAsync(connection, "ANALYZE keyed");
        await ExecuteAsync(connection, "PREPARE lookup(bigint[]) AS SELECT g.i, t.v FROM unnest($1) WITH ORDINALITY AS g(k, i) JOIN keyed t USING (k)");

        var small = await PlanAsync(connection);
        await ExecuteAsync(connection, "INSERT INTO keyed SELECT g, 'v' FROM generate_series(21, 100000) AS g");
        var grown = await PlanAsync(connection);

        Assert.All(new[] { small, grown }, plan =>
        {
            Assert.Contains("Index Scan using keyed_pkey", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("Seq Scan on keyed", plan, StringComparison.Ordinal);
        });
    }

    // The lookup's plan under the settings every grouped statement runs with (the first execution makes the plan).
    private static async Task<string> PlanAsync(NpgsqlConnection connection)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(KeyLookupPlans.Settings());
        batch.BatchCommands.Add(new NpgsqlBatchCommand("EXECUTE lookup('{1, 2, 3}')"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("EXPLAIN EXECUTE lookup('{1, 2, 3}')"));
        await using var reader = await batch.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.NextResultAsync();
        var lines = new List<string>();
        while (await reader.ReadAsync())
        {
            lines.Add(reader.GetString(0));
        }

        return string.Join('\n', lines);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
