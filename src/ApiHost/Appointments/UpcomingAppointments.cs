using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Errors;
using Scheduling.Grains.Appointments;

namespace Scheduling.ApiHost.Appointments;

/// <summary>
/// Deleting a location, employee or service that upcoming appointments still refer to is refused (409 / statusCode 6,
/// SPEC §2): their clients would hold bookings nobody can serve or reschedule. Past and canceled appointments keep
/// their ids as history and do not block; neither does busy time imported from an external calendar.
/// </summary>
public static class UpcomingAppointments
{
    /// <summary>Throws DeleteRefusedException naming how many appointments block the delete of <paramref name="kind"/> <paramref name="id"/>.</summary>
    public static async Task RefuseDeleteIfAnyAsync(
        ApiCall call, IAppointmentStore store, TimeProvider time, AppointmentOwner owner, long id, string kind, CancellationToken cancellationToken)
    {
        var count = await store.CountUpcomingAsync(call.CompanyId, owner, id, time.GetUtcNow(), cancellationToken);
        if (count > 0)
        {
            throw new DeleteRefusedException(
                $"{kind} {id} has {count} upcoming appointment{(count == 1 ? string.Empty : "s")}; cancel, move or delete {(count == 1 ? "it" : "them")} first");
        }
    }
}
