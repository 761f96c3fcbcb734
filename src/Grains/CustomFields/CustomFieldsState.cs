using Scheduling.Contracts.CustomFields;

namespace Scheduling.Grains.CustomFields;

/// <summary>What a company's custom-fields grain stores: its fields, in creation order.</summary>
public sealed class CustomFieldsState
{
    public List<CustomField> Fields { get; set; } = [];
}
