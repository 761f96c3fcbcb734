using System.Text.Json;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Locations;

namespace Scheduling.Grains.Tests.Locations;

/// <summary>A location's links: employees (outer) to services (inner), in every form of the reference.</summary>
public sealed class LinkDocumentsTests
{
    private static readonly LinkLevel Employees = new("employee", [344, 345, 346]);
    private static readonly LinkLevel Services = new("service", [4433, 4823, 4532]);

    [Fact]
    public void AllLinksEveryEmployeeWithEveryService()
    {
        var links = Parse("\"all\"");

        Assert.Equal([344L, 345L, 346L], links.Keys);
        Assert.All(links.Values, services => Assert.Equal([4433L, 4823L, 4532L], services));
    }

    [Fact]
    public void AnEmployeeKeyWithAllLinksThatEmployeeWithEveryService()
    {
        var links = Parse("""{"345": "ALL"}""");

        Assert.Equal([4433L, 4823L, 4532L], Assert.Single(links, l => l.Key == 345).Value);
        Assert.Single(links);
    }

    [Fact]
    public void TheAllKeyLinksTheFlaggedServicesForEveryEmployeeAndSpecificKeysOverrideIt()
    {
        var links = Parse("""{"all": {"4532": 1, "4433": 0}, "344": {"4433": 1, "4823": true}, "345": "all"}""");

        Assert.Equal([4433L, 4823L], links[344]);
        Assert.Equal([4433L, 4823L, 4532L], links[345]);
        Assert.Equal([4532L], links[346]);
    }

    [Fact]
    public void KeyZeroMeansEveryEmployeeLikeAssignServices()
    {
        var links = Parse("""{"0": [4823, "4433"]}""");

        Assert.All(links.Values, services => Assert.Equal([4823L, 4433L], services));
        Assert.Equal(3, links.Count);
    }

    [Fact]
    public void ServicesFlaggedZeroOrAnEmptyListUnlink()
    {
        var links = Parse("""{"344": {"4433": 0}, "345": []}""");

        Assert.Empty(links[344]);
        Assert.Empty(links[345]);
    }

    [Fact]
    public void ADocumentGivenAsJsonTextIsRead()
    {
        var links = Parse(JsonSerializer.Serialize("""{"344": [4433]}"""));

        Assert.Equal([4433L], links[344]);
    }

    [Theory]
    [InlineData("""{"999": [4433]}""", "links.999", "no employee 999")]
    [InlineData("""{"344": [999]}""", "links.344[0]", "no service 999")]
    [InlineData("""{"344": {"999": 1}}""", "links.344.999", "no service 999")]
    [InlineData("""{"344": {"4433": "maybe"}}""", "links.344.4433", "0 or 1")]
    [InlineData("""{"344": 7}""", "links.344", "must be")]
    [InlineData("""{"[EMPLOYEE_ID]": [4433]}""", "links.[EMPLOYEE_ID]", "no employee")]
    [InlineData("""[1, 2]""", "links", "object")]
    [InlineData("\"some\"", "links", "object")]
    public void AnUnknownIdOrShapeIsRefusedNamingThePlace(string document, string field, string problem)
    {
        var error = Assert.Throws<FieldValidationException>(() => Parse(document));

        Assert.Equal(field, error.Field);
        Assert.Contains(problem, error.Problem, StringComparison.Ordinal);
    }

    // Arrays, not ImmutableArrays: xunit compares ImmutableArray by reference (it is IEquatable).
    private static Dictionary<long, long[]> Parse(string json) =>
        LinkDocuments.Parse(JsonDocument.Parse(json).RootElement, "links", Employees, Services).ToDictionary(l => l.Outer, l => l.Inner.ToArray());
}
