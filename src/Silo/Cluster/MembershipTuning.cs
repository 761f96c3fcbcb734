using Orleans.Configuration;

namespace Scheduling.Silo.Cluster;

/// <summary>
/// Membership settings that declare a silo killed without warning dead within about 10 s (Orleans' defaults take about
/// 16 s or more on these machines): probes every 2 s with a 2 s timeout, dead after 2 missed probes, one vote enough in
/// clusters this small (an API silo's vote against a dead worker silo must not wait for a second voter).
/// </summary>
public static class MembershipTuning
{
    public static void Apply(ClusterMembershipOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ProbeTimeout = TimeSpan.FromSeconds(2);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 1;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        options.DefunctSiloCleanupPeriod = TimeSpan.FromHours(1);
        options.DefunctSiloExpiration = TimeSpan.FromDays(1);
    }
}
