using System.Text.Json;
using Scheduling.Contracts.Records;

namespace Scheduling.Contracts.Employees;

/// <summary>An employee's fields as the reference names them, in the order its responses list them.</summary>
public static class EmployeeSchemas
{
    private static readonly JsonElement True = JsonSerializer.SerializeToElement(true);
    private static readonly JsonElement False = JsonSerializer.SerializeToElement(false);
    private static readonly JsonElement Zero = JsonSerializer.SerializeToElement(0);
    private static readonly JsonElement Empty = JsonSerializer.SerializeToElement(string.Empty);

    public static RecordSchema Employee { get; } = new("employee",
    [
        new("id", FieldKind.Long) { ReadOnly = true },
        new("company_id", FieldKind.Long) { ReadOnly = true },
        new("email", FieldKind.Email) { Required = true, MaxLength = 254 },
        new("first_name", FieldKind.Text) { Required = true, MaxLength = 64 },
        new("last_name", FieldKind.Text) { Required = true, MaxLength = 64 },
        Text("job", 128),
        Text("bio", 10_000),
        Text("phone", 32),
        Text("photo_url", 1_000),
        new("public_email", FieldKind.Bool) { Default = False },
        new("public_phone", FieldKind.Bool) { Default = False },
        // The reference's flattened text says "Default: false", but an inactive employee is the exception
        // (a receptionist who takes no appointments): a new employee is a bookable provider unless told otherwise.
        new("status", FieldKind.Bool) { Default = True },
        new("username", FieldKind.Text) { ReadOnly = true, Default = Empty },
        Text("nickname", 64),
        Text("linkedin", 1_000),
        Text("yelp", 1_000),
        Text("pinterest", 1_000),
        Text("vimeo", 1_000),
        Text("youtube", 1_000),
        Text("twitter", 1_000),
        Text("facebook", 1_000),
        new("receivesms", FieldKind.Bool) { Default = False },
        new("sms_email", FieldKind.Email) { MaxLength = 254, Default = Empty },
        Text("intuit_user_id", 255),
        new("ipp_mode", FieldKind.Int) { Min = 0, Default = Zero },
        Text("intuit_auth_id", 255),
        Text("intuit_db_id", 255),
        Text("intuit_realm_id", 255),
        Text("intuit_ticket_id", 255),
        new("newsletter", FieldKind.Int) { Min = 0, Max = 1, Default = Zero },
        new("is_owner", FieldKind.Bool) { ReadOnly = true, Default = False },
        new("ics_service", FieldKind.Int) { AllowedValues = ["0", "1", "2", "3"], Default = Zero },
        new("ics_export_service", FieldKind.Int) { AllowedValues = ["0", "1", "2", "3", "4", "5", "6"], Default = Zero },
        Text("ics_url", 2_000),
        Text("ics_export_hash", 255),
        new("google_export_canceled", FieldKind.Int) { Min = 0, Max = 1, Default = Zero },
        new("google_export_add_pt", FieldKind.Int) { Min = 0, Max = 1, Default = Zero },
        new("ord", FieldKind.Int) { ReadOnly = true },
        new("ics_export_url", FieldKind.Text) { ReadOnly = true, Default = Empty },
        Text("permissions", 1_000),
        new("can_login", FieldKind.Int) { ReadOnly = true, Default = Zero },
    ]);

    /// <summary>
    /// Employee nicknames name public booking pages and are unique on the server (reference: letters,
    /// digits, '.' and '_'); 3-64 characters so they cannot collide with short route words.
    /// </summary>
    public static bool IsValidNickname(string nickname) =>
        nickname.Length is >= 3 and <= 64 && nickname.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_');

    private static FieldSpec Text(string name, int maxLength) =>
        new(name, FieldKind.Text) { MaxLength = maxLength, Default = Empty };
}
