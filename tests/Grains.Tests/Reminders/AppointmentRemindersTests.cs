using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Reminders;
using Orleans;
using Orleans.Runtime;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Tests.Reminders;

/// <summary>
/// The reminder a calendar registers with each change of an appointment, and which changes the appointment's
/// notifications grain is handed at all.
/// </summary>
public sealed class AppointmentRemindersTests
{
    private const long Company = 7;
    private static readonly DateTimeOffset Now = new(2031, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Ten = new(2031, 3, 3, 18, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ANewUpcomingAppointmentGetsOneReminderTheHoursBeforeItsStartNamedForItsCompanyAndStart()
    {
        var change = Assert.Single(AppointmentReminders.Changes(before: null, Row(Ten), reminderHours: 24, Now));

        Assert.Equal(GrainId.Create(GrainType.Create("appointmentreminder"), GrainIdKeyExtensions.CreateIntegerKey(42)), change.GrainId);
        Assert.Equal(Ten.AddHours(-24), change.DueAt);
        Assert.True(AppointmentReminders.TryParse(change.Name, out var company, out var start));
        Assert.Equal((Company, Ten), (company, start));
    }

    [Fact]
    public void NoReminderWithoutHoursForTimeAlreadyPassedOrForAppointmentsNotUpcoming()
    {
        Assert.Empty(AppointmentReminders.Changes(null, Row(Ten), reminderHours: 0, Now));
        Assert.Empty(AppointmentReminders.Changes(null, Row(Ten), reminderHours: 60, Now));
        Assert.Empty(AppointmentReminders.Changes(null, Row(Ten, AppointmentStatus.Canceled), 24, Now));
        Assert.Empty(AppointmentReminders.Changes(null, Row(Ten, AppointmentStatus.BusyExternal), 24, Now));
    }

    [Fact]
    public void AMoveRemovesTheOldStartsReminderAndSetsTheNewOne()
    {
        var later = Ten.AddDays(1);

        var changes = AppointmentReminders.Changes(Row(Ten), Row(later), 24, Now);

        Assert.Equal(
            [(AppointmentReminders.Name(Company, Ten), (DateTimeOffset?)null), (AppointmentReminders.Name(Company, later), later.AddHours(-24))],
            changes.Select(c => (c.Name, c.DueAt)));
    }

    [Fact]
    public void ACancelADeleteOrHoursSetToZeroRemoveTheReminderAndAStatusChangeKeepsItsName()
    {
        var name = AppointmentReminders.Name(Company, Ten);

        Assert.Equal([(name, (DateTimeOffset?)null)], AppointmentReminders.Changes(Row(Ten), Row(Ten, AppointmentStatus.Canceled), 24, Now).Select(c => (c.Name, c.DueAt)));
        Assert.Equal([(name, (DateTimeOffset?)null)], AppointmentReminders.Changes(Row(Ten), after: null, 0, Now).Select(c => (c.Name, c.DueAt)));
        Assert.Equal([(name, (DateTimeOffset?)null)], AppointmentReminders.Changes(Row(Ten), Row(Ten), 0, Now).Select(c => (c.Name, c.DueAt)));
        Assert.Equal([(name, (DateTimeOffset?)Ten.AddHours(-2))], AppointmentReminders.Changes(Row(Ten), Row(Ten, AppointmentStatus.Confirmed), 2, Now).Select(c => (c.Name, c.DueAt)));
        Assert.Empty(AppointmentReminders.Changes(Row(Ten, AppointmentStatus.Canceled), after: null, 24, Now));
    }

    [Theory]
    [InlineData("remind")]
    [InlineData("send")]
    [InlineData("remind/")]
    [InlineData("remind/x/2031-03-03T18:00:00.0000000Z")]
    [InlineData("remind/7/")]
    [InlineData("remind/7/yesterday")]
    public void OtherNamesAreNotAppointmentReminders(string name) =>
        Assert.False(AppointmentReminders.TryParse(name, out _, out _));

    [Fact]
    public void ABookingOfAnAccountThatSendsNothingIsNotHandedToTheNotificationsGrain()
    {
        var quiet = new AppointmentNotices(24, ClientEmails: false, ProviderEmails: false);

        Assert.False(AppointmentReminderGrain.Wants(Event("appointment.created", Row(Ten), quiet)));
        Assert.True(AppointmentReminderGrain.Wants(Event("appointment.created", Row(Ten), quiet with { ClientEmails = true })));
        Assert.True(AppointmentReminderGrain.Wants(Event("appointment.created", Row(Ten), quiet with { ProviderEmails = true })));
        Assert.True(AppointmentReminderGrain.Wants(Event("appointment.created", Row(Ten), quiet with { ProviderTexts = true })));

        // Verification is how an unverified booking becomes real: it goes out even with client e-mails off.
        Assert.True(AppointmentReminderGrain.Wants(Event("appointment.created", Row(Ten, AppointmentStatus.Unverified), quiet)));

        // Events stored before changes carried their notices are all handed over.
        Assert.True(AppointmentReminderGrain.Wants(Event("appointment.created", Row(Ten), notices: null)));
    }

    [Fact]
    public void ChangesThatCauseNoMessageAreNotHandedOver()
    {
        var loud = new AppointmentNotices(24, ClientEmails: true, ProviderEmails: true, ProviderTexts: true);

        Assert.False(AppointmentReminderGrain.Wants(Event("appointment.deleted", Row(Ten), loud)));
        Assert.False(AppointmentReminderGrain.Wants(Event("appointment.reminder", Row(Ten), loud)));
        Assert.False(AppointmentReminderGrain.Wants(Event("appointment.updated", Row(Ten), loud, previousStatus: AppointmentStatus.Unconfirmed)));
        Assert.True(AppointmentReminderGrain.Wants(Event("appointment.updated", Row(Ten, AppointmentStatus.Confirmed), loud, previousStatus: AppointmentStatus.Unconfirmed)));
        Assert.False(AppointmentReminderGrain.Wants(Event("appointment.updated", Row(Ten, AppointmentStatus.Confirmed), loud, previousStatus: AppointmentStatus.Confirmed)));
        Assert.True(AppointmentReminderGrain.Wants(Event("appointment.canceled", Row(Ten, AppointmentStatus.Canceled), loud)));

        // An appointment that started before the change: nothing to tell.
        Assert.False(AppointmentReminderGrain.Wants(Event("appointment.created", Row(Now.AddMinutes(-30)), loud)));
    }

    [Fact]
    public void AnEventKeepsItsNoticesAndPreviousStatusThroughTheOutboxsJson()
    {
        var json = new GrainStateJson().Options;
        var sent = Event("appointment.updated", Row(Ten, AppointmentStatus.Confirmed), new AppointmentNotices(2, ClientEmails: false, ProviderEmails: true, ProviderTexts: true), AppointmentStatus.Unconfirmed);

        var read = JsonSerializer.Deserialize<AppointmentEvent>(JsonSerializer.SerializeToUtf8Bytes(sent, json), json)!;

        Assert.Equal(sent.Notices, read.Notices);
        Assert.Equal(AppointmentStatus.Unconfirmed, read.PreviousStatus);

        // One stored by an earlier version has neither.
        var old = JsonSerializer.SerializeToNode(sent, json)!.AsObject();
        Assert.True(old.Remove(nameof(AppointmentEvent.Notices)) && old.Remove(nameof(AppointmentEvent.PreviousStatus)));
        var legacy = old.Deserialize<AppointmentEvent>(json)!;
        Assert.Equal(sent.Appointment.Id, legacy.Appointment.Id);
        Assert.Null(legacy.Notices);
        Assert.Null(legacy.PreviousStatus);
    }

    private static AppointmentEvent Event(string type, Appointment row, AppointmentNotices? notices, int? previousStatus = null) =>
        new(type, Company, row, null, Now, previousStatus, notices);

    private static Appointment Row(DateTimeOffset start, int status = AppointmentStatus.Unconfirmed) => new()
    {
        Id = 42,
        CompanyId = Company,
        EmployeeId = 3,
        LocationId = 4,
        ServiceId = 5,
        ClientId = 6,
        Start = start,
        End = start.AddHours(1),
        BlockEnd = start.AddHours(1),
        Status = status,
        SessionKey = "a:42",
        TimeZoneId = 553,
        Version = 1,
        Values = FieldMap.Of(ImmutableDictionary<string, JsonElement>.Empty.Add(AppointmentField.ClientEmail, JsonSerializer.SerializeToElement("ann@example.test"))),
        CreatedAt = Now,
        UpdatedAt = Now,
    };
}
