using System.Collections.Immutable;
using System.Text.Json;
using Orleans;

namespace Scheduling.Contracts.CustomFields;

/// <summary>One item of a save: a new field (<see cref="Id"/> null) or changes to an existing one, as bound by the schema.</summary>
[GenerateSerializer]
[Alias("scheduling.custom-field-change")]
[Immutable]
public sealed record CustomFieldChange([Id(0)] long? Id, [Id(1)] ImmutableDictionary<string, JsonElement> Values);
