using Microsoft.Extensions.Hosting;

namespace Scheduling.Silo;

/// <summary>A worker silo: grains and background workers (reminders, stream delivery), no HTTP API.</summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddSchedulingSilo();
        await builder.Build().RunAsync();
    }
}
