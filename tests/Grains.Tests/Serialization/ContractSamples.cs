using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Availability;
using Scheduling.Contracts.Catalog;
using Scheduling.Contracts.CustomFields;
using Scheduling.Contracts.Employees;
using Scheduling.Contracts.Holidays;
using Scheduling.Contracts.Locations;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Services;
using Scheduling.Contracts.Webhooks;

namespace Scheduling.Grains.Tests.Serialization;

/// <summary>Fully populated values of the types that cross grains: every member set, none at its default.</summary>
internal static class ContractSamples
{
    public static readonly DateTimeOffset Start = new(2031, 3, 14, 9, 30, 0, TimeSpan.FromHours(2));

    /// <summary>Schema values of every JSON kind, with text that needs escaping.</summary>
    public static ImmutableDictionary<string, JsonElement> Values() => ImmutableDictionary.CreateRange(StringComparer.Ordinal,
    [
        new KeyValuePair<string, JsonElement>("client_name", FieldValues.Text("Ann \"A\" Lee, Zoë ✓")),
        new("price", JsonSerializer.SerializeToElement(12.50m)),
        new("paid", FieldValues.Bool(true)),
        new("note", JsonSerializer.SerializeToElement<string?>(null)),
        new("custom_fields", JsonSerializer.SerializeToElement(new { f1 = new[] { "7", "Seven", "h" } })),
        new("employee_id", FieldValues.Number(42)),
    ]);

    public static Appointment Appointment() => new()
    {
        Id = 9_001,
        CompanyId = 1,
        EmployeeId = 11,
        LocationId = 21,
        ServiceId = 31,
        ClientId = 41,
        Start = Start,
        End = Start.AddMinutes(45),
        BlockEnd = Start.AddMinutes(55),
        Status = AppointmentStatus.Confirmed,
        SessionKey = "a:9001",
        TimeZoneId = 553,
        Version = 3,
        Values = FieldMap.Of(Values()),
        CreatedAt = Start.AddDays(-2),
        UpdatedAt = Start.AddDays(-1),
    };

    public static AppointmentEvent Event() => new(
        WebhookEvents.Rescheduled,
        CompanyId: 1,
        Appointment(),
        Previous: new AppointmentPlace(Start.AddDays(-1), Start.AddDays(-1).AddMinutes(45), EmployeeId: 12, LocationId: 22, ServiceId: 31),
        OccurredAt: Start.AddHours(-5),
        PreviousStatus: AppointmentStatus.Unconfirmed,
        Notices: new AppointmentNotices(ReminderHours: 24, ClientEmails: true, ProviderEmails: false, ProviderTexts: true));

    public static CatalogPhoto Photo() => new(MediaId: 77, "photo.png", "https://example.test/media/photo.png");

    public static ServiceSnapshot Service() => new()
    {
        Id = 31,
        CompanyId = 1,
        CreatedAt = Start.AddDays(-30),
        Values = Values(),
        Photo = Photo(),
        Name = "Haircut",
        DurationMinutes = 45,
        PaddingMinutes = 10,
        StartStepMinutes = 15,
        PriorNoticeHours = 2,
        AfterNoticeDays = 60,
        CancelAppointmentHours = 24,
        RescheduleAppointmentHours = 12,
        SendReminderHours = 24,
        Seats = 3,
        MaxClients = 5,
        AutoConfirm = true,
        IsSubservice = false,
        RequireAddon = true,
        SubServiceIds = [32, 33],
        Active = true,
        ActiveFrom = new DateOnly(2031, 1, 1),
        ActiveUntil = new DateOnly(2031, 12, 31),
        ActiveIntervalStatus = true,
        SetSchedule = true,
        Schedule =
        [
            new ServiceScheduleEntry(ScheduleRepeat.Weekly, new DateOnly(2031, 1, 6), EndDate: null, new TimeOfDayRange(540, 1020), [1, 3, 5]),
            new ServiceScheduleEntry(ScheduleRepeat.Once, new DateOnly(2031, 2, 1), new DateOnly(2031, 2, 2), new TimeOfDayRange(600, 720), []),
        ],
        Price = 49.90m,
        PaymentMinAmount = 10m,
        AllowCashPayment = true,
    };

    public static BookingRequest Booking() => new(
        AppointmentId: 9_001,
        CompanyId: 1,
        Slot: new SlotRequest(LocationId: 21, Service(), DurationMinutes: 45, TimeZoneId: 553, new DateOnly(2031, 3, 14), new DateOnly(2031, 3, 20), [new DateOnly(2031, 3, 17)]),
        Start,
        ClientId: 41,
        AppointmentStatus.Unconfirmed,
        Values(),
        new AppointmentNotices(ReminderHours: 24, ClientEmails: true, ProviderEmails: true));

    public static AccountSnapshot Account() => new(
        CompanyId: 1,
        ParentCompanyId: 2,
        OwnerUserId: 3,
        "owner@example.test",
        Enabled: true,
        Start.AddYears(-1),
        Profile: Values(),
        Options: ImmutableDictionary<string, JsonElement>.Empty.Add("send_reminder", FieldValues.Number(24)),
        Personal: ImmutableDictionary<string, JsonElement>.Empty.Add("first_name", FieldValues.Text("Ann")),
        Payments: ImmutableDictionary<string, JsonElement>.Empty,
        SubAccounts: [4, 5]);

    public static LocationSnapshot Location() => new(
        Id: 21, CompanyId: 1, Start.AddDays(-9), Values(), [new LocationLink(EmployeeId: 11, ServiceIds: [31, 32])], Photo());

    public static EmployeeSnapshot Employee() => new(Id: 11, CompanyId: 1, Start.AddDays(-8), Values(), Photo(), CanLogin: true);

    public static AvailabilityAssignment Hours() => new(
        AvailabilityRepeat.DateInterval,
        AvailabilityType.Available,
        new DateOnly(2031, 3, 1),
        new DateOnly(2031, 3, 31),
        LocationId: 21,
        ImmutableDictionary<DayOfWeek, ImmutableArray<TimeOfDayRange>>.Empty
            .Add(DayOfWeek.Monday, [new TimeOfDayRange(540, 720), new TimeOfDayRange(780, 1020)]));

    public static CustomField CustomField() => new(Id: 51, CompanyId: 1, Values(), Start.AddDays(-7), Start.AddDays(-6));

    public static Holiday Holiday() => new(
        Id: 61, CompanyId: 1, "Founders' day", HolidayType.VariableDate, Month: 4, DayInWeek: 0, DayOrder: 4,
        new DateOnly(2031, 5, 26), new DateOnly(2031, 5, 27), Enabled: true, Start.AddDays(-5), Start.AddDays(-4));

    public static WebhookSubscription Webhook() => new(
        Id: 71, CompanyId: 1, "https://hooks.example.test/in",
        [new WebhookEventSubscription(Id: 72, WebhookEvents.All, Active: true, Start.AddDays(-3))],
        Active: true, "whsec_c2VjcmV0", Start.AddDays(-3), Start.AddDays(-2));
}
