using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Records;

namespace Scheduling.Grains.Tests.Records;

public sealed class FieldMapTests
{
    private static readonly ImmutableDictionary<string, JsonElement> Original = ImmutableDictionary<string, JsonElement>.Empty
        .Add("client_name", FieldValues.Text("Ann \"A\" Lee"))
        .Add("price", JsonSerializer.SerializeToElement(12.50m))
        .Add("paid", FieldValues.Bool(true))
        .Add("note", JsonSerializer.SerializeToElement<string?>(null))
        .Add("custom_fields", JsonSerializer.SerializeToElement(new { f1 = new[] { "7", "Seven", "h" } }))
        .Add("employee_id", FieldValues.Number(42));

    [Fact]
    public void TheMapReadsAsTheOriginalValuesAndOutlivesThem()
    {
        var map = FieldMap.Of(Original);

        Assert.Equal(Original.Count, map.Count);
        Assert.Equal(Original.Keys.Order(), map.Keys.Order());
        Assert.All(Original, pair => Assert.Equal(pair.Value.GetRawText(), map[pair.Key].GetRawText()));
        Assert.Equal(("Ann \"A\" Lee", 12.50m, true, 42L), (map.GetText("client_name"), map.GetDecimal("price"), map.GetBool("paid"), map.GetLong("employee_id")));
        Assert.True(map.ContainsKey("note"));
        Assert.Equal(JsonValueKind.Null, map["note"].ValueKind);
        Assert.False(map.TryGetValue("Note", out _));
        Assert.Throws<KeyNotFoundException>(() => map["missing"]);

        // Still readable long after the call, once everything it made has been collected.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.Equal("Seven", map["custom_fields"].GetProperty("f1")[1].GetString());
    }

    [Fact]
    public void TheMapRoundTripsAsAJsonObject()
    {
        var map = FieldMap.Of(Original);

        var json = JsonSerializer.Serialize(new Holder(map));
        var back = JsonSerializer.Deserialize<Holder>(json)!.Values;

        Assert.StartsWith("{\"Values\":{\"", json, StringComparison.Ordinal);
        Assert.Equal(map.ToJson(), back.ToJson());
        Assert.Equal(Original.Count, back.Count);
        Assert.Equal(
            Original.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.GetRawText())),
            back.ToImmutable().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.GetRawText())));
        Assert.Equal(map.ToJson(), FieldMap.Parse(map.ToJson()).ToJson());
    }

    [Fact]
    public void NoValuesAreTheEmptyMapWrittenAsAnEmptyObject()
    {
        Assert.Same(FieldMap.Empty, FieldMap.Of(ImmutableDictionary<string, JsonElement>.Empty));
        Assert.Same(FieldMap.Empty, FieldMap.Parse("null"));
        Assert.Empty(FieldMap.Parse("{}"));
        Assert.Equal("{}", FieldMap.Empty.ToJson());
        Assert.Equal("{\"Values\":{}}", JsonSerializer.Serialize(new Holder(FieldMap.Empty)));
        Assert.False(FieldMap.Empty.TryGetValue("note", out _));
    }

    [Fact]
    public void ValuesThatAreNotAJsonObjectAreRefused() =>
        Assert.Throws<JsonException>(() => FieldMap.Parse("[1,2]"));

    private sealed record Holder(FieldMap Values);
}
