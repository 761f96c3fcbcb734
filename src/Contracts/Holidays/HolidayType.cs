using Orleans;

namespace Scheduling.Contracts.Holidays;

/// <summary>How a holiday names its days (SPEC §5).</summary>
[GenerateSerializer]
[Alias("scheduling.holiday-type")]
public enum HolidayType
{
    /// <summary>The n-th (or last) weekday of a month, every year: "Last Monday of May".</summary>
    VariableDate = 1,

    /// <summary>The dates from <c>start_date</c> to <c>end_date</c>.</summary>
    FixedDates = 2,
}
