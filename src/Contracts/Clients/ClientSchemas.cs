using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Scheduling.Contracts.Records;

namespace Scheduling.Contracts.Clients;

/// <summary>The names of the client fields that code (stores, booking) reads or writes by name.</summary>
public static class ClientField
{
    public const string Email = "email";
    public const string Name = "name";
    public const string Phone = "phone";
    public const string Address = "address";
    public const string EmployeeId = "employee_id";
    public const string LastAppointmentDate = "last_app_date";
    public const string Gender = "gender";
    public const string Birthday = "birthday";

    /// <summary>The reference spells it "cient_since" in bodies and responses (and "client_since" as a list filter).</summary>
    public const string ClientSince = "cient_since";

    /// <summary>The correct spelling, accepted on input and rendered beside the reference's.</summary>
    public const string ClientSinceAlias = "client_since";

    public const string AcceptEmails = "accept_emails";
    public const string Photo = "photo";
}

/// <summary>A client's fields as the reference names them (GET/POST/PUT /client), declared once.</summary>
public static class ClientSchemas
{
    public const int MaxEmailLength = 254;

    private static readonly JsonElement Empty = JsonSerializer.SerializeToElement(string.Empty);
    private static readonly JsonElement Null = JsonSerializer.SerializeToElement<object?>(null);

    /// <summary>
    /// The client record. Server-owned fields are read-only: <c>employee_id</c> and <c>last_app_date</c> are
    /// written by saved appointments (the provider and start of the latest one), not by the client API.
    /// </summary>
    public static RecordSchema Client { get; } = new("client",
    [
        new("client_id", FieldKind.Long) { ReadOnly = true },
        new("company_id", FieldKind.Long) { ReadOnly = true },
        new(ClientField.EmployeeId, FieldKind.Long) { ReadOnly = true, Default = JsonSerializer.SerializeToElement(0) },
        new(ClientField.Email, FieldKind.Email) { Required = true, MaxLength = MaxEmailLength },
        new(ClientField.Name, FieldKind.Text) { Required = true, MaxLength = 128 },
        Text(ClientField.Phone, 32),
        new(ClientField.LastAppointmentDate, FieldKind.Text) { ReadOnly = true, Default = Null },
        new("date_created", FieldKind.Text) { ReadOnly = true },
        Text("notes", 10_000),
        Text("preferences", 10_000),
        Text(ClientField.Address, 255),
        Text("address2", 255),
        Text("city", 128),
        Text("state", 128),
        Text("zip", 32),
        Text("country", 128),
        // "m", "f" or null; checked by Bind below so that "" can clear it.
        new(ClientField.Gender, FieldKind.Text) { MaxLength = 8, Default = Null },
        new(ClientField.Birthday, FieldKind.Text) { MaxLength = 32, Default = Null },
        new(ClientField.ClientSince, FieldKind.Text) { MaxLength = 32, Default = Null },
        new(ClientField.AcceptEmails, FieldKind.Bool) { Default = JsonSerializer.SerializeToElement(false) },
        Text(ClientField.Photo, 1_000),
    ]);

    /// <summary>
    /// The text fields a list may filter on by substring (GET /client?city=...): every free-text field of the
    /// record but the e-mail, which identifies a client and so is matched whole.
    /// </summary>
    public static ImmutableArray<string> TextFilters { get; } =
        [ClientField.Name, ClientField.Phone, "notes", "preferences", ClientField.Address, "address2", "city", "state", "zip", "country", ClientField.Photo];

    /// <summary>
    /// Reads a client's writable fields from a request: <see cref="RecordSchema.Bind"/>, plus what a schema
    /// cannot say — <c>client_since</c> as an alias of <c>cient_since</c>, dates normalized to YYYY-MM-DD
    /// (lenient: "2031-3-3", or an ISO date-time), <c>gender</c> one of m/f, and "" clearing gender and dates.
    /// </summary>
    public static ImmutableDictionary<string, JsonElement> Bind(IReadOnlyDictionary<string, JsonElement> input, bool create)
    {
        if (!input.ContainsKey(ClientField.ClientSince) && input.TryGetValue(ClientField.ClientSinceAlias, out var alias))
        {
            var copy = new Dictionary<string, JsonElement>(input, StringComparer.OrdinalIgnoreCase) { [ClientField.ClientSince] = alias };
            input = copy;
        }

        var values = Client.Bind(input, create);
        if (values.GetText(ClientField.Gender) is { } gender)
        {
            var normalized = gender.Trim().ToLowerInvariant();
            values = normalized switch
            {
                "" => values.SetItem(ClientField.Gender, Null),
                "m" or "f" => values.SetItem(ClientField.Gender, JsonSerializer.SerializeToElement(normalized)),
                _ => throw new FieldValidationException(ClientField.Gender, "must be m, f or empty"),
            };
        }

        foreach (var field in (ReadOnlySpan<string>)[ClientField.Birthday, ClientField.ClientSince])
        {
            if (values.GetText(field) is { } text)
            {
                values = values.SetItem(field, string.IsNullOrWhiteSpace(text)
                    ? Null
                    : JsonSerializer.SerializeToElement(FormatDate(ParseDate(field, text))));
            }
        }

        return values;
    }

    /// <summary>A date as a client field stores it: YYYY-MM-DD.</summary>
    public static string FormatDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>An instant as a client field stores and renders it (last_app_date, date_created): UTC, "2019-08-24T14:15:22Z".</summary>
    public static string FormatTimestamp(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A date given leniently: YYYY-M-D (no zero padding needed) or an ISO 8601 date-time (its date part).</summary>
    public static DateOnly ParseDate(string field, string text)
    {
        text = text.Trim();
        if (DateOnly.TryParseExact(text, ["yyyy-M-d", "yyyy-MM-dd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        if (text.Length > 10 && text[10] is 'T' or ' '
            && DateOnly.TryParseExact(text[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
        {
            return date;
        }

        throw new FieldValidationException(field, "must be a date, YYYY-MM-DD");
    }

    private static FieldSpec Text(string name, int maxLength) =>
        new(name, FieldKind.Text) { MaxLength = maxLength, Default = Empty };
}
