using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Scheduling.Contracts.Clients;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;

namespace Scheduling.Grains.Clients;

/// <summary>
/// What both client stores must agree on, in one place: how e-mails identify clients, the values a new client
/// starts with, the checks on server-owned fields, timestamps, and how the search text splits into terms.
/// </summary>
internal static class ClientRules
{
    /// <summary>Terms beyond this many are ignored: a search box, not a query language.</summary>
    public const int MaxSearchTerms = 8;

    /// <summary>The minimum digits for a search term to also match phone digits (shorter ones would match almost anyone).</summary>
    public const int MinPhoneDigits = 3;

    public static string EmailKey(string email) => email.Trim().ToLowerInvariant();

    /// <summary>Now, at PostgreSQL's microsecond precision, so both stores hand back the instant they stored.</summary>
    public static DateTimeOffset Now(TimeProvider time)
    {
        var ticks = time.GetUtcNow().UtcTicks;
        return new DateTimeOffset(ticks - (ticks % 10), TimeSpan.Zero);
    }

    /// <summary>The values of a new client: the given ones with the e-mail, and cient_since = the creation date unless given.</summary>
    public static ImmutableDictionary<string, JsonElement> NewClient(string email, IReadOnlyDictionary<string, JsonElement> fields, DateTimeOffset createdAt)
    {
        var values = Checked(fields).SetItem(ClientField.Email, FieldValues.Text(RequireEmail(email)));
        return values.GetText(ClientField.ClientSince) is null
            ? values.SetItem(ClientField.ClientSince, FieldValues.Text(ClientSchemas.FormatDate(DateOnly.FromDateTime(createdAt.UtcDateTime))))
            : values;
    }

    /// <summary>
    /// The values as stored, checked: the API's schema validates what callers type, this guards what the
    /// PostgreSQL columns derive from (an integer employee_id, an instant for last_app_date, a non-empty e-mail).
    /// </summary>
    public static ImmutableDictionary<string, JsonElement> Checked(IReadOnlyDictionary<string, JsonElement> fields)
    {
        var values = ImmutableDictionary.CreateRange(StringComparer.Ordinal, fields.Select(p => KeyValuePair.Create(p.Key, p.Value.Clone())));
        if (values.TryGetValue(ClientField.Email, out var email))
        {
            values = values.SetItem(ClientField.Email, FieldValues.Text(RequireEmail(email.ValueKind == JsonValueKind.String ? email.GetString() : null)));
        }

        if (values.TryGetValue(ClientField.EmployeeId, out var employee) && employee.ValueKind != JsonValueKind.Null
            && !(employee.ValueKind == JsonValueKind.Number && employee.TryGetInt64(out _)))
        {
            throw new ArgumentException($"{ClientField.EmployeeId} must be an integer or null", nameof(fields));
        }

        if (values.TryGetValue(ClientField.LastAppointmentDate, out var last) && last.ValueKind != JsonValueKind.Null)
        {
            if (last.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(last.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                throw new ArgumentException($"{ClientField.LastAppointmentDate} must be an ISO 8601 instant or null", nameof(fields));
            }

            values = values.SetItem(ClientField.LastAppointmentDate, FieldValues.Text(ClientSchemas.FormatTimestamp(at)));
        }

        return values;
    }

    /// <summary>The terms of a search text, each with its phone digits when it looks like part of a phone number.</summary>
    public static IReadOnlyList<SearchTerm> SearchTerms(string? search) =>
        string.IsNullOrWhiteSpace(search)
            ? []
            : search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Take(MaxSearchTerms)
                .Select(term => new SearchTerm(term, PhoneDigits(term)))
                .ToList();

    /// <summary>The conflict of a second client with one e-mail: 409 / ERROR_SAVING_ENTITY, naming the field and the client that has it.</summary>
    public static SaveConflictException EmailTaken(string email, long existingId) =>
        new($"{ClientField.Email}: {email.Trim()} is already the e-mail of client {existingId}");

    /// <summary>"MM-DD", as a stored YYYY-MM-DD date ends.</summary>
    public static string MonthDayText(MonthDay day) =>
        string.Create(CultureInfo.InvariantCulture, $"{day.Month:00}-{day.Day:00}");

    public static string Digits(string text) => new([.. text.Where(char.IsAsciiDigit)]);

    private static string? PhoneDigits(string term)
    {
        if (!term.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or '(' or ')' or '.'))
        {
            return null;
        }

        var digits = Digits(term);
        return digits.Length >= MinPhoneDigits ? digits : null;
    }

    private static string RequireEmail(string? email) =>
        string.IsNullOrWhiteSpace(email) ? throw new ArgumentException("a client needs an e-mail", nameof(email)) : email.Trim();
}

/// <summary>One search term: found in name, e-mail or phone, or (when <see cref="PhoneDigits"/> is set) in the phone's digits.</summary>
internal sealed record SearchTerm(string Text, string? PhoneDigits);
