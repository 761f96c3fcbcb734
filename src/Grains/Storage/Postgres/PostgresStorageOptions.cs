using System.Reflection;

namespace Scheduling.Grains.Storage.Postgres;

/// <summary>Settings of the PostgreSQL storage provider.</summary>
public sealed class PostgresStorageOptions
{
    public required string ConnectionString { get; set; }

    /// <summary>
    /// Assemblies whose embedded "*.Migrations.NNNN_name.sql" resources are applied at start-up, besides this
    /// assembly's own. Versions must be unique across all of them.
    /// </summary>
    public List<Assembly> MigrationAssemblies { get; } = [];

    /// <summary>
    /// Concurrent group-commit writers (each one connection). State writes queue up while a group is in
    /// flight and go out together in the next transaction, each still conditional on its own version. Two keep one
    /// group running its statements while the other waits for its commit to reach the disk; more only make the groups
    /// smaller, and a row costs less in a bigger group (bookings on PostgreSQL: 430-460 µs of database CPU each with
    /// two writers against 480-570 with four, see docs/decisions.md).
    /// </summary>
    public int GroupCommitWriters { get; set; } = 2;

    /// <summary>Most state writes one group-commit transaction takes.</summary>
    public int GroupCommitMaxWrites { get; set; } = 128;

    /// <summary>
    /// Concurrent grouped state lookups (each one connection): reads queue while a lookup is in flight and go out
    /// together in the next one.
    /// </summary>
    public int GroupReadReaders { get; set; } = 2;
}
