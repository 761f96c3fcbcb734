using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.CustomFields;
using Scheduling.Contracts.Records;
using Scheduling.Grains.CustomFields;

namespace Scheduling.Grains.Tests.CustomFields;

public sealed class CustomFieldRulesTests
{
    [Fact]
    public void ANewFieldStartsFromTheReferenceDefaults()
    {
        var values = CustomFieldRules.WithDefaults(Bind(new { label = "How did you hear about us?" }));

        Assert.Equal(0, values.GetInt("type"));
        Assert.Equal(1, values.GetInt("visibility"));
        Assert.Equal(true, values.GetBool("status"));
        Assert.Equal(false, values.GetBool("required"));
        Assert.Equal(0, values.GetInt("multiselect"));
        Assert.False(values.ContainsKey("id"));
    }

    [Fact]
    public void ADropdownNeedsOptions()
    {
        var refused = Assert.Throws<FieldValidationException>(() => CustomFieldRules.Validate(CustomFieldRules.WithDefaults(Bind(new { label = "Size", type = 7 }))));

        Assert.Equal("options", refused.Field);
    }

    [Theory]
    [InlineData("Small||Large", "choice 2 is empty")]
    [InlineData("Small|small", "listed twice")]
    public void DropdownOptionsMustBeDistinctAndNonEmpty(string options, string problem)
    {
        var refused = Assert.Throws<FieldValidationException>(() => CustomFieldRules.Validate(CustomFieldRules.WithDefaults(Bind(new { label = "Size", type = 7, options }))));

        Assert.Equal("options", refused.Field);
        Assert.Contains(problem, refused.Problem);
    }

    [Fact]
    public void DropdownOptionsAreTrimmed()
    {
        var values = CustomFieldRules.Validate(CustomFieldRules.WithDefaults(Bind(new { label = "Size", type = 7, options = " Small | Large " })));

        Assert.Equal("Small|Large", values.GetText("options"));
    }

    [Fact]
    public void OptionsOfAFieldThatIsNotADropdownAreKeptAsGiven()
    {
        // The reference's own sample sends options with type 0.
        var values = CustomFieldRules.Validate(CustomFieldRules.WithDefaults(Bind(new { label = "Notes", type = 0, options = "Option A|Option B" })));

        Assert.Equal("Option A|Option B", values.GetText("options"));
    }

    [Fact]
    public void ABlankLabelIsRefused()
    {
        var values = CustomFieldRules.WithDefaults(Bind(new { label = "Notes" })).SetItem("label", FieldValues.Text(" "));

        Assert.Equal("label", Assert.Throws<FieldValidationException>(() => CustomFieldRules.Validate(values)).Field);
    }

    private static ImmutableDictionary<string, JsonElement> Bind(object values) =>
        CustomFieldSchemas.Field.Bind(
            JsonSerializer.SerializeToElement(values).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.OrdinalIgnoreCase),
            create: true);
}
