using Npgsql;

namespace Scheduling.Grains.Storage.Postgres;

/// <summary>
/// The plan settings of a transaction whose statements all find their rows by key, many keys at a time (group
/// commits, grouped reads: <c>unnest</c> of array parameters joined to a table's key). Its first command.
/// </summary>
public static class KeyLookupPlans
{
    /// <summary>
    /// Generic plans, and no plan that scans or hashes a whole table. Left to choose, PostgreSQL planned the
    /// multi-row statements afresh on every execution (a custom plan looks cheaper once it has seen the arrays). But a
    /// generic plan is made once per connection, at its first execution, and kept: made while a table was still small
    /// (a new database, or before autovacuum's next ANALYZE) it hashed the whole table, and went on doing so as the
    /// table grew. With sequential scans and hash and merge joins off, every such plan is a loop over the keys through
    /// the table's index, whatever the statistics say. The settings are transaction-local.
    /// </summary>
    public static NpgsqlBatchCommand Settings() => new(
        """
        SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true),
               set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)
        """);
}
