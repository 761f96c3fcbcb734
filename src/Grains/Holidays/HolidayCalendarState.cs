using Scheduling.Contracts.Holidays;

namespace Scheduling.Grains.Holidays;

/// <summary>What a company's holiday grain stores: its holidays, in creation order.</summary>
public sealed class HolidayCalendarState
{
    public List<Holiday> Holidays { get; set; } = [];
}
