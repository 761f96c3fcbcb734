using NodaTime;
using Scheduling.Grains.TimeZones;

namespace Scheduling.Grains.Tests.TimeZones;

public sealed class TimeZoneTableTests
{
    private static readonly TimeZoneTable Table = TimeZoneTable.Embedded;

    [Fact]
    public void EveryRowOfTheEmbeddedTableResolvesToATzdbZoneUnderItsOwnName()
    {
        // The SPEC freezes the table at 553 rows, ids 2..554.
        Assert.Equal(553, Table.All.Count);
        Assert.All(Table.All, entry =>
        {
            Assert.Equal(entry.Name, entry.Zone.Id);
            Assert.Same(entry.Zone, DateTimeZoneProviders.Tzdb[entry.Name]);
        });
    }

    [Fact]
    public void TheRowsAreOrderedByIdAndIdsAndNamesAreUnique()
    {
        var ids = Table.All.Select(e => e.Id).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(ids.Count, Table.All.Select(e => e.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void TheDefaultZoneIsId553UsPacific()
    {
        Assert.Equal(553, TimeZoneTable.DefaultId);
        Assert.Equal(553, Table.Default.Id);
        Assert.Equal("US/Pacific", Table.Default.Name);
        Assert.True(Table.TryGet(553, out var entry));
        Assert.Same(Table.Default, entry);
    }

    [Fact]
    public void AnUnknownIdIsReportedByTryGet()
    {
        Assert.False(Table.TryGet(1, out var entry));
        Assert.Null(entry);
        Assert.False(Table.TryGet(9999, out _));
        Assert.False(Table.TryGet(-5, out _));
    }

    [Fact]
    public void GettingAnUnknownIdThrowsAnArgumentErrorNamingTheTimezoneIdField()
    {
        var error = Assert.Throws<UnknownTimeZoneException>(() => Table.Get(9999));
        Assert.Equal(9999, error.TimeZoneId);
        Assert.Equal("timezone_id", error.ParamName);
        Assert.IsAssignableFrom<ArgumentException>(error);
        Assert.Throws<UnknownTimeZoneException>(() => Table.GetOffset(0, Instant.FromUtc(2026, 1, 1, 0, 0)));
    }

    [Theory]
    [InlineData("US/Pacific", 553)]
    [InlineData("us/pacific", 553)]
    [InlineData(" US/Pacific ", 553)]
    [InlineData("Etc/UTC", 418)]
    public void FindingByNameMatchesTheRowIgnoringCase(string name, int expectedId)
    {
        Assert.True(Table.TryFindByName(name, out var entry));
        Assert.Equal(expectedId, entry.Id);
    }

    [Theory]
    [InlineData("UTC", "Etc/UTC")]
    [InlineData("Japan", "Asia/Tokyo")]
    [InlineData("GB", "Europe/London")]
    public void FindingANameTheTableLacksFollowsTzdbLinksToTheCanonicalRow(string name, string expectedName)
    {
        Assert.True(Table.TryFindByName(name, out var entry));
        Assert.Equal(expectedName, entry.Name);
    }

    [Theory]
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("PST8PDT")]
    [InlineData("")]
    public void FindingANameThatMatchesNoRowIsReported(string name)
    {
        Assert.False(Table.TryFindByName(name, out var entry));
        Assert.Null(entry);
    }

    [Fact]
    public void ParsingRefusesNamesTzdbDoesNotKnowAndListsThem()
    {
        var csv = "id,name\n553,US/Pacific\n9,Mars/Olympus_Mons\n10,Europe/Atlantis\n";

        var error = Assert.Throws<InvalidDataException>(() => TimeZoneTable.Parse(new StringReader(csv)));

        Assert.Contains("9,Mars/Olympus_Mons", error.Message, StringComparison.Ordinal);
        Assert.Contains("10,Europe/Atlantis", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("id,name\n553,US/Pacific\n553,US/Eastern\n")]
    [InlineData("id,name\n553,US/Pacific\nx,US/Eastern\n")]
    [InlineData("id,name\n553,US/Pacific\n7\n")]
    [InlineData("id,name\n553,US/Pacific\n7,\n")]
    [InlineData("id,name\n548,US/Eastern\n")]
    public void ParsingRefusesMalformedTablesAndTablesWithoutTheDefaultZone(string csv)
    {
        Assert.Throws<InvalidDataException>(() => TimeZoneTable.Parse(new StringReader(csv)));
    }

    [Fact]
    public void ParsingIgnoresBlankLinesAndCarriageReturns()
    {
        var table = TimeZoneTable.Parse(new StringReader("id,name\r\n553,US/Pacific\r\n\r\n548,US/Eastern\r\n"));

        Assert.Equal([548, 553], table.All.Select(e => e.Id));
        Assert.Equal("US/Eastern", table.Get(548).Name);
    }
}
