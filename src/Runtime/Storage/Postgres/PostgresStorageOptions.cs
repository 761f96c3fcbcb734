using System.Reflection;

namespace Scheduling.Runtime.Storage.Postgres;

/// <summary>Settings of the PostgreSQL storage provider.</summary>
public sealed class PostgresStorageOptions
{
    public required string ConnectionString { get; set; }

    /// <summary>
    /// Publish every committed state change and outbox append with NOTIFY and listen for those of other silos.
    /// Off only for a single silo that shares its database with nobody.
    /// </summary>
    public bool NotifyChanges { get; set; } = true;

    /// <summary>
    /// Marks this silo's change notifications so that its own listener skips them: the activation that wrote
    /// already holds the new version, and hearing its own write back (possibly before the write call has even
    /// returned) would only make it look stale. Unique per silo by default; never contains '/'.
    /// </summary>
    public string NotificationOrigin { get; set; } = Guid.NewGuid().ToString("N");

    /// <summary>
    /// Assemblies whose embedded "*.Migrations.NNNN_name.sql" resources are applied at start-up, besides the
    /// runtime's own. Versions must be unique across all of them.
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
