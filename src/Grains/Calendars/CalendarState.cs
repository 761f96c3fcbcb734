using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Catalog;
using Scheduling.Contracts.Employees;

namespace Scheduling.Grains.Calendars;

/// <summary>
/// What a calendar grain stores, in separate parts: the employee's profile, and the employee's time.
/// Booked time joins the time part when appointments arrive (as rows the grain writes with this
/// state's version bump), so one version guards working hours and bookings together.
/// </summary>
public sealed class CalendarState
{
    public long CompanyId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public EmployeeProfile Profile { get; set; } = new();

    /// <summary>Working hours and out-of-office periods per location (assignAvailability).</summary>
    public ImmutableArray<AvailabilityAssignment> Availability { get; set; } = [];
}

/// <summary>The employee as the API shows it, plus the photo upload and the login password's hash.</summary>
public sealed class EmployeeProfile
{
    public ImmutableDictionary<string, JsonElement> Values { get; set; } = ImmutableDictionary<string, JsonElement>.Empty;

    public CatalogPhoto? Photo { get; set; }

    public string? PasswordHash { get; set; }
}
