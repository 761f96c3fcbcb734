using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans;
using Scheduling.Contracts.Records;

namespace Scheduling.Contracts.CustomFields;

/// <summary>
/// One custom field of a company: its schema values (every field of <see cref="CustomFieldSchemas.Field"/>,
/// defaults filled) and typed reads of what the booking form and the answer validator need (derived from
/// the values, so never stored).
/// </summary>
[GenerateSerializer]
[Alias("scheduling.custom-field")]
[Immutable]
public sealed record CustomField(
    [Id(0)] long Id,
    [Id(1)] long CompanyId,
    [Id(2)] ImmutableDictionary<string, JsonElement> Values,
    [Id(3)] DateTimeOffset CreatedAt,
    [Id(4)] DateTimeOffset UpdatedAt)
{
    [JsonIgnore]
    public string Label => Values.GetText("label") ?? string.Empty;

    [JsonIgnore]
    public CustomFieldType Type => (CustomFieldType)(Values.GetInt("type") ?? 0);

    /// <summary>The longest answer; 0 = <see cref="CustomFieldSchemas.MaxAnswerLength"/>.</summary>
    [JsonIgnore]
    public int Length => Values.GetInt("length") ?? 0;

    [JsonIgnore]
    public bool Required => Values.GetBool("required") ?? false;

    /// <summary>Enabled (shown) or disabled.</summary>
    [JsonIgnore]
    public bool Status => Values.GetBool("status") ?? true;

    [JsonIgnore]
    public CustomFieldVisibility Visibility => (CustomFieldVisibility)(Values.GetInt("visibility") ?? 1);

    [JsonIgnore]
    public int Order => Values.GetInt("ord") ?? 0;

    [JsonIgnore]
    public bool Multiselect => Values.GetBool("multiselect") ?? false;

    /// <summary>The dropdown choices, from the pipe-delimited <c>options</c>.</summary>
    [JsonIgnore]
    public ImmutableArray<string> Options => SplitOptions(Values.GetText("options"));

    /// <summary>Shown on the booking form (visibility 1 or 3).</summary>
    [JsonIgnore]
    public bool OnBookingForm => Visibility is CustomFieldVisibility.BookingForm or CustomFieldVisibility.Both;

    public static ImmutableArray<string> SplitOptions(string? options) =>
        string.IsNullOrEmpty(options) ? [] : [.. options.Split('|').Select(o => o.Trim())];
}
