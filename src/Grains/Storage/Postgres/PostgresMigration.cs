using System.Globalization;
using System.Reflection;

namespace Scheduling.Grains.Storage.Postgres;

/// <summary>One versioned SQL migration, taken from an embedded resource named "*.Migrations.NNNN_name.sql".</summary>
public sealed record PostgresMigration(int Version, string Name, string Sql, string Source)
{
    private const string Marker = ".Migrations.";

    /// <summary>
    /// The migrations of this assembly and the given ones, in version order. Two migrations with one
    /// version (even in different assemblies) are a packaging error: which of them a database got would
    /// depend on start-up order.
    /// </summary>
    public static IReadOnlyList<PostgresMigration> Discover(IEnumerable<Assembly> assemblies)
    {
        ArgumentNullException.ThrowIfNull(assemblies);
        var all = new List<PostgresMigration>();
        foreach (var assembly in assemblies.Prepend(typeof(PostgresMigration).Assembly).Distinct())
        {
            foreach (var resource in assembly.GetManifestResourceNames().Order(StringComparer.Ordinal))
            {
                if (!IsMigrationResource(resource))
                {
                    continue;
                }

                using var stream = assembly.GetManifestResourceStream(resource)
                    ?? throw new InvalidOperationException($"Embedded resource {resource} of {assembly.GetName().Name} cannot be opened.");
                using var reader = new StreamReader(stream);
                all.Add(FromResource(resource, reader.ReadToEnd(), $"{assembly.GetName().Name}:{resource}"));
            }
        }

        return Combine(all);
    }

    /// <summary>Orders migrations by version and refuses duplicate versions.</summary>
    public static IReadOnlyList<PostgresMigration> Combine(IEnumerable<PostgresMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        var ordered = migrations.OrderBy(m => m.Version).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].Version == ordered[i - 1].Version)
            {
                throw new InvalidOperationException(
                    $"Migration version {ordered[i].Version} is defined twice: by {ordered[i - 1].Source} and by {ordered[i].Source}. Renumber one of them.");
            }
        }

        return ordered;
    }

    /// <summary>Builds a migration from a resource name ending in ".Migrations.NNNN_name.sql".</summary>
    public static PostgresMigration FromResource(string resourceName, string sql, string source)
    {
        ArgumentNullException.ThrowIfNull(resourceName);
        var marker = resourceName.LastIndexOf(Marker, StringComparison.Ordinal);
        var fileName = marker < 0 ? resourceName : resourceName[(marker + Marker.Length)..];
        var stem = fileName.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) ? fileName[..^4] : fileName;
        var underscore = stem.IndexOf('_', StringComparison.Ordinal);
        if (underscore <= 0
            || !int.TryParse(stem.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || version <= 0
            || underscore == stem.Length - 1)
        {
            throw new InvalidOperationException($"Migration resource {source} is not named NNNN_name.sql.");
        }

        return new PostgresMigration(version, stem[(underscore + 1)..], sql, source);
    }

    private static bool IsMigrationResource(string resourceName) =>
        resourceName.Contains(Marker, StringComparison.Ordinal)
        && resourceName.EndsWith(".sql", StringComparison.OrdinalIgnoreCase);
}
