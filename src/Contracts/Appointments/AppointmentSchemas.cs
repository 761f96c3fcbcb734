using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Scheduling.Contracts.Records;

namespace Scheduling.Contracts.Appointments;

/// <summary>The names of the appointment fields that code reads or writes by name.</summary>
public static class AppointmentField
{
    public const string Id = "id";
    public const string ClientId = "client_id";
    public const string CompanyId = "company_id";
    public const string ClientEmail = "client_email";
    public const string ClientName = "client_name";
    public const string ClientPhone = "client_phone";
    public const string ClientAddress = "client_address";
    public const string ProviderEmail = "provider_email";
    public const string EmployeeId = "employee_id";
    public const string LocationId = "location_id";
    public const string ServiceId = "service_id";
    public const string StartDate = "start_date";
    public const string EndDate = "end_date";
    public const string Length = "length";
    /// <summary>Input only: minutes; the service's length (with its sub-services) when not given.</summary>
    public const string Duration = "duration";
    public const string DurationPadding = "duration_padding";
    public const string Note = "note";
    public const string Status = "status";
    public const string Type = "type";
    public const string LastUpdated = "last_updated";
    public const string CreatedAt = "created_at";
    public const string Subservices = "subservices";
    public const string Paid = "paid";
    public const string Price = "price";
    public const string EwsId = "ews_id";
    public const string CustomFields = "custom_fields";
    public const string CustomData = "custom_data";
    public const string TimeZoneShort = "timezone_short";
    public const string TimeZoneOffsetSeconds = "timezone_offset_seconds";
    public const string TimeZoneId = "timezone_id";

    /// <summary>Beyond the reference: why the appointment was declined (POST /appointment/decline).</summary>
    public const string Reason = "reason";
}

/// <summary>An appointment's fields as the reference names them (GET/POST/PUT /appointment), declared once.</summary>
public static class AppointmentSchemas
{
    public const int MaxEmailLength = 254;
    public const int MaxReasonLength = 2_000;

    private static readonly JsonElement Empty = JsonSerializer.SerializeToElement(string.Empty);
    private static readonly JsonElement Zero = JsonSerializer.SerializeToElement(0);
    private static readonly JsonElement False = JsonSerializer.SerializeToElement(false);
    private static readonly JsonElement EmptyObject = JsonSerializer.SerializeToElement(new Dictionary<string, object>());

    /// <summary>
    /// The record, in the order the reference's responses list it. The ids, times and status are columns of the
    /// appointment row and rendered from them; the rest is kept as given (<see cref="StoredFields"/>).
    /// </summary>
    public static RecordSchema Appointment { get; } = new("appointment",
    [
        new(AppointmentField.Id, FieldKind.Long) { ReadOnly = true },
        new(AppointmentField.ClientId, FieldKind.Long) { ReadOnly = true },
        new(AppointmentField.CompanyId, FieldKind.Long) { ReadOnly = true },
        new(AppointmentField.ClientEmail, FieldKind.Email) { Required = true, MaxLength = MaxEmailLength },
        new(AppointmentField.ClientName, FieldKind.Text) { Required = true, MaxLength = 128 },
        Text(AppointmentField.ClientPhone, 32),
        Text(AppointmentField.ClientAddress, 255),
        new(AppointmentField.EmployeeId, FieldKind.Long) { Min = 0 },
        new(AppointmentField.LocationId, FieldKind.Long) { Min = 0 },
        new(AppointmentField.ServiceId, FieldKind.Long) { Required = true, Min = 1 },
        new(AppointmentField.StartDate, FieldKind.Text) { Required = true, MaxLength = 40 },
        new(AppointmentField.EndDate, FieldKind.Text) { ReadOnly = true },
        new(AppointmentField.Length, FieldKind.Long) { ReadOnly = true },
        new(AppointmentField.DurationPadding, FieldKind.Int) { ReadOnly = true, Default = Zero },
        Text(AppointmentField.Note, 10_000),
        new(AppointmentField.Status, FieldKind.Int) { AllowedValues = [.. AppointmentStatus.All.Select(s => s.ToString(CultureInfo.InvariantCulture))] },
        Text(AppointmentField.Type, 64),
        new(AppointmentField.LastUpdated, FieldKind.Text) { ReadOnly = true },
        new(AppointmentField.CreatedAt, FieldKind.Text) { ReadOnly = true },
        Text(AppointmentField.Subservices, 1_000),
        new(AppointmentField.Paid, FieldKind.Bool) { Default = False },
        new(AppointmentField.Price, FieldKind.Decimal) { Min = 0, Default = Zero },
        Text(AppointmentField.EwsId, 255),
        // Read by CustomFieldAnswers (shape, limits, and the company's fields with validate_custom_fields=1).
        new(AppointmentField.CustomFields, FieldKind.Json) { Default = EmptyObject },
        new(AppointmentField.CustomData, FieldKind.Json) { Default = EmptyObject },
        new(AppointmentField.TimeZoneShort, FieldKind.Text) { ReadOnly = true },
        new(AppointmentField.TimeZoneOffsetSeconds, FieldKind.Int) { ReadOnly = true },
        new(AppointmentField.TimeZoneId, FieldKind.Int) { Min = 1 },
        new(AppointmentField.Reason, FieldKind.Text) { ReadOnly = true, MaxLength = MaxReasonLength, Default = Empty },
    ]);

    /// <summary>The fields an appointment row keeps as given, in its data; every other field is a column or computed.</summary>
    public static ImmutableArray<string> StoredFields { get; } =
    [
        AppointmentField.ClientEmail, AppointmentField.ClientName, AppointmentField.ClientPhone, AppointmentField.ClientAddress,
        AppointmentField.Note, AppointmentField.Type, AppointmentField.Subservices, AppointmentField.Paid, AppointmentField.Price,
        AppointmentField.EwsId, AppointmentField.CustomFields, AppointmentField.CustomData, AppointmentField.Reason,
    ];

    private static FieldSpec Text(string name, int maxLength) =>
        new(name, FieldKind.Text) { MaxLength = maxLength, Default = Empty };
}
