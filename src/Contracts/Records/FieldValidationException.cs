using Orleans;

namespace Scheduling.Contracts.Records;

/// <summary>A field of a request is missing or malformed; the API answers 400 / INVALID_PARAMETERS naming it.</summary>
[GenerateSerializer]
[Alias("scheduling.field-validation-exception")]
public sealed class FieldValidationException(string field, string problem) : Exception($"{field}: {problem}")
{
    [Id(0)]
    public string Field { get; } = field;

    [Id(1)]
    public string Problem { get; } = problem;
}
