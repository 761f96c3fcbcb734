namespace Scheduling.Grains;

/// <summary>Names this assembly for registration: its grain classes and its PostgreSQL migrations.</summary>
public static class GrainsAssembly
{
}
