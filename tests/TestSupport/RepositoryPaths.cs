namespace Scheduling.TestSupport;

/// <summary>Files of the repository the tests run from (dashboards, scripts, compose files).</summary>
public static class RepositoryPaths
{
    /// <summary>The directory holding Cluster.sln, found upwards from the test assembly.</summary>
    public static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Cluster.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException($"No Cluster.sln above {AppContext.BaseDirectory}.");
        }
    }

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);
}
