using System.Reflection;
using Scheduling.TestSupport;

namespace Scheduling.Silo.Tests.Harness;

/// <summary>Where the projects under test were built, in the configuration the tests themselves were built in.</summary>
public static class BuildOutput
{
    public static string Configuration =>
        typeof(BuildOutput).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>src/Silo/bin/&lt;Configuration&gt;/net10.0: the worker silo the tests run as a process.</summary>
    public static string SiloDirectory => RepositoryPaths.Combine("src", "Silo", "bin", Configuration, "net10.0");

    public static string ApiHostDirectory => RepositoryPaths.Combine("src", "ApiHost", "bin", Configuration, "net10.0");
}
