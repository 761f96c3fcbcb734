using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduling.Grains.Reminders;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Reminders;
using Orleans;
using Orleans.Runtime;
using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Tests.Reminders;

/// <summary>
/// Makes a running host record the reminder and e-mail metrics (for the dashboard test, whose clock is real): an
/// appointment's e-mail is queued and sent, and a reminder fires for an appointment that no longer exists.
/// </summary>
public static class ReminderTelemetryProbe
{
    public static async Task ExerciseAsync(IServiceProvider services, long companyId)
    {
        var grains = services.GetRequiredService<IGrainFactory>();
        var now = DateTimeOffset.UtcNow;
        var start = now.AddDays(3);
        var appointmentId = Random.Shared.NextInt64(1L << 40, 1L << 50);
        var appointment = new Appointment
        {
            Id = appointmentId,
            CompanyId = companyId,
            EmployeeId = 0,
            LocationId = 0,
            ServiceId = 0,
            ClientId = 0,
            Start = start,
            End = start.AddHours(1),
            BlockEnd = start.AddHours(1),
            Status = AppointmentStatus.Unconfirmed,
            SessionKey = $"a:{appointmentId}",
            TimeZoneId = 553,
            Version = 1,
            Values = FieldMap.Of(ImmutableDictionary<string, JsonElement>.Empty.Add(AppointmentField.ClientEmail, JsonSerializer.SerializeToElement("probe@example.test"))),
            CreatedAt = now,
            UpdatedAt = now,
        };
        await grains.GetGrain<IAppointmentReminderGrain>(appointmentId).ObserveAsync(new AppointmentEvent("appointment.created", companyId, appointment, null, now));
        await services.GetRequiredService<IOneShotReminderTable>().UpsertAsync(AppointmentReminders.GrainOf(appointmentId + 1), "remind", now, TimeSpan.Zero, CancellationToken.None);

        // The e-mail's "send" tick and the orphan reminder's tick.
        Assert.Equal(2, await services.FireDueRemindersAsync());
    }
}
