namespace Scheduling.Contracts.CustomFields;

/// <summary>What a custom field asks for (SPEC §5).</summary>
public enum CustomFieldType
{
    Text = 0,
    MultiLineText = 1,
    Phone = 2,
    Email = 3,
    Hidden = 4,
    Address = 5,

    /// <summary>A heading in the form: it takes no answer.</summary>
    Title = 6,

    /// <summary>A choice among <see cref="CustomField.Options"/>, one or several (<see cref="CustomField.Multiselect"/>).</summary>
    Dropdown = 7,
}

/// <summary>Where a custom field is shown (SPEC §5).</summary>
public enum CustomFieldVisibility
{
    BookingForm = 1,
    ContactForm = 2,
    Both = 3,
}
