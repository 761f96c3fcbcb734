namespace Scheduling.Contracts.Links;

/// <summary>What a self-service link lets its holder do with one appointment (reference <c>hash_type</c>).</summary>
public enum AppointmentLinkType
{
    Cancel,
    Reschedule,
    Confirm,
}
