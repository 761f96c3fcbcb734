using System.Collections.Immutable;

namespace Scheduling.Grains.Clients;

/// <summary>What a client list is ordered by; ties are broken by id, in the same direction.</summary>
public enum ClientSort
{
    /// <summary>Name, case-insensitively (ordinal, so both storages agree).</summary>
    Name,
    Email,
    DateCreated,

    /// <summary>Clients without an appointment come last in either direction.</summary>
    LastAppointmentDate,

    /// <summary>Clients without the date come last in either direction.</summary>
    ClientSince,
    Id,
}

/// <summary>A day of the year, for birthdays ("only the day and month are relevant").</summary>
public readonly record struct MonthDay(int Month, int Day);

/// <summary>
/// A page of a company's clients: every given filter must hold. Text filters and the search are
/// case-insensitive substring matches.
/// </summary>
public sealed record ClientQuery
{
    public int Skip { get; init; }

    public int Take { get; init; } = 100;

    /// <summary>
    /// Free text (<c>q</c>): every whitespace-separated term must occur in the name, e-mail or phone; a term
    /// of digits and phone punctuation also matches the phone's digits ("555 0100" finds "(555) 010-0199").
    /// </summary>
    public string? Search { get; init; }

    public long? ClientId { get; init; }

    public long? EmployeeId { get; init; }

    /// <summary>The whole e-mail, ignoring case (as the client's identity is compared).</summary>
    public string? Email { get; init; }

    /// <summary>Substring filters on the free-text fields named by <see cref="Contracts.Clients.ClientSchemas.TextFilters"/>.</summary>
    public ImmutableDictionary<string, string> TextContains { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>"m" or "f".</summary>
    public string? Gender { get; init; }

    public bool? AcceptEmails { get; init; }

    public MonthDay? Birthday { get; init; }

    public DateOnly? ClientSince { get; init; }

    /// <summary>The latest appointment started at or after this instant.</summary>
    public DateTimeOffset? LastAppointmentFrom { get; init; }

    /// <summary>The latest appointment started before this instant.</summary>
    public DateTimeOffset? LastAppointmentBefore { get; init; }

    public ClientSort SortBy { get; init; } = ClientSort.Name;

    public bool Descending { get; init; }
}
