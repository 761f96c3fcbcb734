using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Scheduling.Runtime;
using Scheduling.Runtime.Hosting;

// Measures what one grain call costs on an already active grain, alone and under concurrency.
var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3;
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services.Configure<GrainRuntimeOptions>(o => o.WorkersEnabled = false);
builder.Services.AddGrainRuntime(runtime => runtime.AddGrains(typeof(TallyGrain).Assembly));
using var host = builder.Build();
await host.StartAsync();
var grains = host.Services.GetRequiredService<IGrainFactory>();

// Warm up: activate the grains and JIT the paths.
var tallies = Enumerable.Range(0, 1000).Select(i => grains.GetGrain<ITallyGrain>(i)).ToArray();
await Task.WhenAll(tallies.Select(t => t.AddAsync(1)));
for (var i = 0; i < 20_000; i++)
{
    await tallies[0].AddAsync(1);
}

// 1. One caller, one grain: the latency of a call.
var one = tallies[1];
var sequential = 0L;
var stopwatch = Stopwatch.StartNew();
while (stopwatch.Elapsed.TotalSeconds < seconds)
{
    for (var i = 0; i < 1000; i++)
    {
        await one.AddAsync(1);
    }

    sequential += 1000;
}

var sequentialElapsed = stopwatch.Elapsed;
Console.WriteLine($"sequential: {sequential:N0} calls in {sequentialElapsed.TotalSeconds:F1} s = {sequentialElapsed.TotalMicroseconds / sequential:F2} us/call");

// 2. 32 callers over 1,000 grains: throughput with a latency distribution.
foreach (var callers in new[] { 32, 256 })
{
    var latencies = new List<double>[callers];
    var total = 0L;
    stopwatch.Restart();
    await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
    {
        var mine = latencies[c] = new List<double>(1 << 16);
        var random = new Random(c);
        var calls = 0L;
        while (stopwatch.Elapsed.TotalSeconds < seconds)
        {
            var start = Stopwatch.GetTimestamp();
            await tallies[random.Next(tallies.Length)].AddAsync(1);
            mine.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
            calls++;
        }

        Interlocked.Add(ref total, calls);
    })));
    var elapsed = stopwatch.Elapsed;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    Console.WriteLine($"concurrent ({callers} callers, 1,000 grains): {total / elapsed.TotalSeconds:N0} calls/s, p50 {all[all.Length / 2]:F1} us, p99 {all[(int)(all.Length * 0.99)]:F1} us");
}

await host.StopAsync();

public interface ITallyGrain : IGrainWithIntegerKey
{
    Task<long> AddAsync(long amount);
}

public sealed class TallyGrain : Grain, ITallyGrain
{
    private long _total;

    public Task<long> AddAsync(long amount) => Task.FromResult(_total += amount);
}
