using NodaTime;
using Scheduling.Grains.TimeZones;

namespace Scheduling.Grains.Tests.TimeZones;

public sealed class TimeZoneOffsetTests
{
    private static readonly TimeZoneTable Table = TimeZoneTable.Embedded;
    private static readonly Instant MidJanuary = Instant.FromUtc(2026, 1, 15, 12, 0);
    private static readonly Instant MidJuly = Instant.FromUtc(2026, 7, 15, 12, 0);

    [Theory]
    [InlineData("US/Pacific", -8 * 3600, -7 * 3600)]
    [InlineData("America/Los_Angeles", -8 * 3600, -7 * 3600)]
    [InlineData("US/Eastern", -5 * 3600, -4 * 3600)]
    [InlineData("Europe/Berlin", 1 * 3600, 2 * 3600)]
    [InlineData("Asia/Kolkata", 5 * 3600 + 1800, 5 * 3600 + 1800)]
    [InlineData("Asia/Kathmandu", 5 * 3600 + 2700, 5 * 3600 + 2700)]
    [InlineData("America/St_Johns", -(3 * 3600 + 1800), -(2 * 3600 + 1800))]
    [InlineData("Australia/Adelaide", 10 * 3600 + 1800, 9 * 3600 + 1800)]
    [InlineData("Etc/GMT+5", -5 * 3600, -5 * 3600)]
    [InlineData("Etc/UTC", 0, 0)]
    public void OffsetsFollowTheZonesRulesInJanuaryAndJuly(string name, int januarySeconds, int julySeconds)
    {
        Assert.True(Table.TryFindByName(name, out var entry));

        Assert.Equal(januarySeconds, entry.OffsetSecondsAt(MidJanuary));
        Assert.Equal(julySeconds, entry.OffsetSecondsAt(MidJuly));
        Assert.Equal(Offset.FromSeconds(julySeconds), Table.GetOffset(entry.Id, MidJuly));
    }

    [Fact]
    public void TheDefaultZoneIsEightHoursBehindUtcInWinterAndSevenInSummer()
    {
        Assert.Equal(Offset.FromHours(-8), Table.GetOffset(TimeZoneTable.DefaultId, MidJanuary));
        Assert.Equal(Offset.FromHours(-7), Table.GetOffset(TimeZoneTable.DefaultId, MidJuly));
    }

    [Theory]
    [InlineData(-5 * 3600, "GMT -05:00", "GMT-05:00")]
    [InlineData(-(3 * 3600 + 1800), "GMT -03:30", "GMT-03:30")]
    [InlineData(5 * 3600 + 1800, "GMT +05:30", "GMT+05:30")]
    [InlineData(5 * 3600 + 2700, "GMT +05:45", "GMT+05:45")]
    [InlineData(14 * 3600, "GMT +14:00", "GMT+14:00")]
    [InlineData(-12 * 3600, "GMT -12:00", "GMT-12:00")]
    [InlineData(0, "GMT +00:00", "GMT+00:00")]
    public void ShortAndFriendlyFormsShowTheSignedOffsetInHoursAndMinutes(int seconds, string expectedShort, string expectedFriendly)
    {
        var offset = Offset.FromSeconds(seconds);

        Assert.Equal(expectedShort, TimeZoneEntry.FormatShort(offset));
        Assert.Equal(expectedFriendly, TimeZoneEntry.FormatFriendly(offset));
    }

    [Fact]
    public void TheListingOfUsEasternInSummerShowsEdtAndTheOffsetInSeconds()
    {
        var listing = Table.Get(548).Describe(MidJuly);

        Assert.Equal(new TimeZoneListing(
            Gmt: -14400,
            Caption: "GMT -04:00 US/Eastern (EDT)",
            DbName: "US/Eastern",
            Short: "GMT -04:00",
            Friendly: "GMT-04:00"), listing);
    }

    [Fact]
    public void TheListingFollowsTheInstantItIsGiven()
    {
        var listing = Table.Get(548).Describe(MidJanuary);

        Assert.Equal(-18000, listing.Gmt);
        Assert.Equal("GMT -05:00 US/Eastern (EST)", listing.Caption);
    }

    [Fact]
    public void TheReversedCaptionPutsTheNameFirst()
    {
        var listing = Table.Get(548).Describe(MidJuly, reverseCaption: true);

        Assert.Equal("US/Eastern (GMT -04:00)", listing.Caption);
        Assert.Equal("GMT -04:00", listing.Short);
    }

    [Fact]
    public void AHalfHourZoneIsCaptionedWithItsAbbreviation()
    {
        Assert.True(Table.TryFindByName("Asia/Kolkata", out var kolkata));

        var listing = kolkata.Describe(MidJuly);

        Assert.Equal(19800, listing.Gmt);
        Assert.Equal("GMT +05:30 Asia/Kolkata (IST)", listing.Caption);
        Assert.Equal("GMT+05:30", listing.Friendly);
    }

    [Fact]
    public void AZoneWhoseAbbreviationIsOnlyItsOffsetIsCaptionedWithoutOne()
    {
        Assert.True(Table.TryFindByName("America/Sao_Paulo", out var saoPaulo));

        Assert.Null(saoPaulo.AbbreviationAt(MidJuly));
        Assert.Equal("GMT -03:00 America/Sao_Paulo", saoPaulo.Describe(MidJuly).Caption);
    }

    [Fact]
    public void EveryZoneCanBeListed()
    {
        Assert.All(Table.All, entry =>
        {
            var listing = entry.Describe(MidJuly);
            Assert.Equal(entry.Name, listing.DbName);
            Assert.StartsWith(listing.Short, listing.Caption, StringComparison.Ordinal);
            Assert.Matches(@"^GMT [+-]\d\d:\d\d$", listing.Short);
        });
    }
}
