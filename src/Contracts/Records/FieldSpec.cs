using System.Collections.Immutable;
using System.Text.Json;

namespace Scheduling.Contracts.Records;

/// <summary>The kind of value a field holds; decides how input is read leniently and how it is stored and rendered.</summary>
public enum FieldKind
{
    /// <summary>Text, up to <see cref="FieldSpec.MaxLength"/> characters.</summary>
    Text,

    /// <summary>An e-mail address (checked for a plausible shape).</summary>
    Email,

    /// <summary>A 32-bit integer; numbers may arrive as strings.</summary>
    Int,

    /// <summary>A 64-bit integer (ids); numbers may arrive as strings.</summary>
    Long,

    /// <summary>A decimal number (prices); may arrive as a string.</summary>
    Decimal,

    /// <summary>true/false, 0/1, "0"/"1", "true"/"false".</summary>
    Bool,

    /// <summary>A flag stored and rendered as 0/1 (Setster sends many flags as integers).</summary>
    Flag,

    /// <summary>Any JSON object or array, stored as given (validated by the owning code).</summary>
    Json,
}

/// <summary>
/// One field of a record: its wire name, kind, limits and default. Server-owned fields (ids, dates) are
/// <see cref="ReadOnly"/>: input for them is ignored.
/// </summary>
public sealed record FieldSpec(string Name, FieldKind Kind)
{
    public int MaxLength { get; init; } = 255;

    public bool Required { get; init; }

    public bool ReadOnly { get; init; }

    /// <summary>Values accepted (for enumerations), compared as text.</summary>
    public ImmutableArray<string> AllowedValues { get; init; } = [];

    public long? Min { get; init; }

    public long? Max { get; init; }

    /// <summary>The value of a field never given; null renders as JSON null.</summary>
    public JsonElement? Default { get; init; }
}
