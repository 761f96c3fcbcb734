namespace Scheduling.Runtime;

/// <summary>Orleans-style key accessors on grains.</summary>
public static class GrainExtensions
{
    public static long GetPrimaryKeyLong(this Grain grain) => grain.GrainId.GetIntegerKey();

    public static string GetPrimaryKeyString(this Grain grain) => grain.GrainId.Key;

    public static Guid GetPrimaryKey(this Grain grain) => grain.GrainId.GetGuidKey();
}
