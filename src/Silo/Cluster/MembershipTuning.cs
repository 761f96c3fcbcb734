using Orleans.Configuration;

namespace Scheduling.Silo.Cluster;

/// <summary>
/// Membership settings that declare a silo killed without warning dead within seconds (Orleans' defaults took about 16 s
/// on these machines): a probe timeout starting at 2 s (Orleans 10 adapts it between 1 s and four times that), dead after
/// 2 missed probes, and one vote enough in clusters this small (an API silo's vote against a dead worker silo must not
/// wait for a second voter). Measured with kill -9 (tests/Silo.Tests/ClusterFailoverTests.cs): declared dead after
/// 1.1-2.2 s, its calendars booking on the survivor 1.5-3.6 s after the kill. A silo that freezes instead of dying keeps
/// its connections open, and Orleans' connection liveness check then discounts votes against it for up to
/// MaxProbeTimeout x NumMissedProbesLimit (8 s x 2): about 18 s measured. A lower MaxProbeTimeout (3 s: 7 s measured)
/// would also make an overloaded but live silo easier to declare dead, so it is left at Orleans' default.
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
