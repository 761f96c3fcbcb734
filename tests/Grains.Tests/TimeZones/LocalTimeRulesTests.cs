using NodaTime;
using Scheduling.Grains.TimeZones;

namespace Scheduling.Grains.Tests.TimeZones;

public sealed class LocalTimeRulesTests
{
    private static readonly TimeZoneEntry Pacific = TimeZoneTable.Embedded.Default;

    [Fact]
    public void ALocalTimeSkippedBySpringForwardDoesNotExist()
    {
        // 2026-03-08: US/Pacific clocks jump from 02:00 PST to 03:00 PDT.
        Assert.False(Pacific.TryToInstant(new LocalDateTime(2026, 3, 8, 2, 30), out _));
        Assert.False(Pacific.TryToInstant(new LocalDateTime(2026, 3, 8, 2, 0), out _));
    }

    [Fact]
    public void TheTimesAroundTheSpringForwardGapExist()
    {
        Assert.True(Pacific.TryToInstant(new LocalDateTime(2026, 3, 8, 1, 59), out var before));
        Assert.True(Pacific.TryToInstant(new LocalDateTime(2026, 3, 8, 3, 0), out var after));

        Assert.Equal(Instant.FromUtc(2026, 3, 8, 9, 59), before);
        Assert.Equal(Instant.FromUtc(2026, 3, 8, 10, 0), after);
    }

    [Fact]
    public void AnAmbiguousFallBackTimeResolvesToItsFirstOccurrence()
    {
        // 2026-11-01: 01:00-02:00 happens twice, first in PDT (-07:00), then in PST (-08:00).
        Assert.True(Pacific.TryToInstant(new LocalDateTime(2026, 11, 1, 1, 30), out var instant));

        Assert.Equal(Instant.FromUtc(2026, 11, 1, 8, 30), instant);
        Assert.Equal(Offset.FromHours(-7), Pacific.OffsetAt(instant));
        Assert.Equal("PDT", Pacific.AbbreviationAt(instant));
    }

    [Fact]
    public void InstantsConvertBackToTheLocalTimeOnBothSidesOfFallBack()
    {
        var firstOneThirty = Instant.FromUtc(2026, 11, 1, 8, 30);
        var secondOneThirty = Instant.FromUtc(2026, 11, 1, 9, 30);

        Assert.Equal(new LocalDateTime(2026, 11, 1, 1, 30), Pacific.ToLocal(firstOneThirty));
        Assert.Equal(new LocalDateTime(2026, 11, 1, 1, 30), Pacific.ToLocal(secondOneThirty));
    }

    [Fact]
    public void DurationsAcrossSpringForwardAreRealElapsedTime()
    {
        Assert.True(Pacific.TryToInstant(new LocalDateTime(2026, 3, 8, 1, 30), out var start));

        var end = start + Duration.FromMinutes(60);

        Assert.Equal(new LocalDateTime(2026, 3, 8, 3, 30), Pacific.ToLocal(end));
    }

    [Fact]
    public void TheRulesWorkOnAnyNodaTimeZone()
    {
        var berlin = DateTimeZoneProviders.Tzdb["Europe/Berlin"];

        // 2026-03-29 02:00 CET jumps to 03:00 CEST; 2026-10-25 03:00 CEST falls back to 02:00 CET.
        Assert.False(berlin.TryToInstant(new LocalDateTime(2026, 3, 29, 2, 30), out _));
        Assert.True(berlin.TryToInstant(new LocalDateTime(2026, 10, 25, 2, 30), out var ambiguous));
        Assert.Equal(Instant.FromUtc(2026, 10, 25, 0, 30), ambiguous);
        Assert.Equal(new LocalDateTime(2026, 10, 25, 2, 30), berlin.ToLocal(ambiguous));
    }
}
