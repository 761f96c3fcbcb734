using System.Text.Json;
using Orleans;

namespace Scheduling.Contracts.CustomFields;

/// <summary>
/// One answer of an appointment's <c>custom_fields</c> (SPEC §5): <c>{"FIELD_ID": ["VALUE", "LABEL"(, "h")]}</c>.
/// <see cref="Value"/> is text, or an array for an address (<c>[address, apt, city, state, zip]</c>) and for a
/// multi-select dropdown given as a list.
/// </summary>
[Immutable]
public sealed record CustomFieldAnswer(string FieldId, JsonElement Value, string Label, bool Hidden);
