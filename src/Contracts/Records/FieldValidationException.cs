namespace Scheduling.Contracts.Records;

/// <summary>A field of a request is missing or malformed; the API answers 400 / INVALID_PARAMETERS naming it.</summary>
public sealed class FieldValidationException(string field, string problem) : Exception($"{field}: {problem}")
{
    public string Field { get; } = field;

    public string Problem { get; } = problem;
}
