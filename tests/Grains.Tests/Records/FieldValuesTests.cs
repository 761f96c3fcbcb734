using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Records;

namespace Scheduling.Grains.Tests.Records;

public sealed class FieldValuesTests
{
    [Fact]
    public void CompactValuesReadAsTheOriginalsAndOutliveThem()
    {
        var original = ImmutableDictionary<string, JsonElement>.Empty
            .Add("client_name", FieldValues.Text("Ann \"A\" Lee"))
            .Add("price", JsonSerializer.SerializeToElement(12.50m))
            .Add("paid", FieldValues.Bool(true))
            .Add("note", JsonSerializer.SerializeToElement<string?>(null))
            .Add("custom_fields", JsonSerializer.SerializeToElement(new { f1 = new[] { "7", "Seven", "h" } }))
            .Add("employee_id", FieldValues.Number(42));

        var compact = FieldValues.Compact(original);

        Assert.Equal(original.Keys.Order(), compact.Keys.Order());
        Assert.All(original, pair => Assert.Equal(pair.Value.GetRawText(), compact[pair.Key].GetRawText()));
        Assert.Equal(("Ann \"A\" Lee", 12.50m, true, 42L), (compact.GetText("client_name"), compact.GetDecimal("price"), compact.GetBool("paid"), compact.GetLong("employee_id")));
        Assert.Same(original.KeyComparer, compact.KeyComparer);

        // Still readable long after the call, once everything it made has been collected.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal("Seven", compact["custom_fields"].GetProperty("f1")[1].GetString());
    }

    [Fact]
    public void FewerThanTwoValuesAreLeftAsTheyAre()
    {
        var one = ImmutableDictionary<string, JsonElement>.Empty.Add("note", FieldValues.Text("hi"));

        Assert.Same(one, FieldValues.Compact(one));
        Assert.Same(ImmutableDictionary<string, JsonElement>.Empty, FieldValues.Compact(ImmutableDictionary<string, JsonElement>.Empty));
    }
}
