using System.Collections.Immutable;
using System.Text.Json;

namespace Scheduling.Contracts.CustomFields;

/// <summary>One item of a save: a new field (<see cref="Id"/> null) or changes to an existing one, as bound by the schema.</summary>
[Immutable]
public sealed record CustomFieldChange(long? Id, ImmutableDictionary<string, JsonElement> Values);
