using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.CustomFields;
using Scheduling.Contracts.Records;
using Scheduling.Grains.CustomFields;

namespace Scheduling.Grains.Tests.CustomFields;

public sealed class CustomFieldAnswersTests
{
    private static readonly CustomField Referral = Field(11, new { label = "How did you hear about us?", type = 0, length = 20 });
    private static readonly CustomField Phone = Field(12, new { label = "Phone", type = 2, required = true });
    private static readonly CustomField Email = Field(13, new { label = "Work e-mail", type = 3 });
    private static readonly CustomField OrderId = Field(14, new { label = "Order ID", type = 4 });
    private static readonly CustomField Address = Field(15, new { label = "Address", type = 5, length = 40 });
    private static readonly CustomField Size = Field(16, new { label = "Size", type = 7, options = "Small|Medium|Large" });
    private static readonly CustomField Toppings = Field(17, new { label = "Toppings", type = 7, options = "Cheese|Olives|Basil", multiselect = 1 });
    private static readonly CustomField Notes = Field(18, new { label = "Notes", type = 1 });

    private static readonly ImmutableArray<CustomField> Form = [Referral, Phone, Email, OrderId, Address, Size, Toppings, Notes];

    [Fact]
    public void AnswersAreReadAsValueLabelAndHiddenFlag()
    {
        var answers = Read("""{"11": ["A friend", "Referral"], "14": ["A-1001", "Order ID", "h"], "12": ["+1 555 123 4567", "Phone"]}""", validate: true);

        Assert.Equal(["11", "14", "12"], answers.Select(a => a.FieldId));
        Assert.Equal(("A friend", "Referral", false), (answers[0].Value.GetString(), answers[0].Label, answers[0].Hidden));
        Assert.True(answers[1].Hidden);
    }

    [Fact]
    public void AMissingLabelIsTheFieldsLabelAndAHiddenFieldIsAlwaysHidden()
    {
        var answers = Read("""{"12": "555-123-4567", "14": ["A-1001"]}""", validate: true);

        Assert.Equal("Phone", answers[0].Label);
        Assert.Equal(("Order ID", true), (answers[1].Label, answers[1].Hidden));
    }

    [Fact]
    public void KeysMayBeSpelledAsTheAppointmentFiltersSpellThem()
    {
        var answers = Read("""{"custom_field_12": ["555-123-4567", "Phone"]}""", validate: true);

        Assert.Equal("12", Assert.Single(answers).FieldId);
    }

    [Fact]
    public void WithoutValidationUnknownFieldsAndMissingRequiredAnswersAreKept()
    {
        var answers = Read("""{"999": ["anything", "Integration data", "h"]}""", validate: false);

        Assert.Equal(("999", "anything", true), (answers[0].FieldId, answers[0].Value.GetString(), answers[0].Hidden));
    }

    [Fact]
    public void WithValidationAnUnknownFieldIsRefused() =>
        AssertRefused("""{"12": ["555-123-4567", "Phone"], "999": ["x", "y"]}""", "999: no such custom field");

    [Fact]
    public void WithValidationARequiredFieldMustBeAnswered()
    {
        AssertRefused("""{"11": ["A friend", "Referral"]}""", "12 (Phone): is required");
        AssertRefused("""{"12": ["  ", "Phone"]}""", "12 (Phone): is required");
        AssertRefused("""[]""", "12 (Phone): is required");
    }

    [Fact]
    public void RequiredFieldsThatAreDisabledOrOnlyOnTheContactFormAreNotAskedAtBooking()
    {
        var disabled = Field(21, new { label = "Old question", required = true, status = false });
        var contactOnly = Field(22, new { label = "Company", required = true, visibility = 2 });
        var title = Field(23, new { label = "About you", type = 6, required = true });

        var answers = CustomFieldAnswers.Read(JsonSerializer.Deserialize<JsonElement>("{}"), [disabled, contactOnly, title], validate: true);

        Assert.Empty(answers);
    }

    [Fact]
    public void WithValidationAnAnswerLongerThanTheFieldsLengthIsRefused() =>
        AssertRefused("""{"12": "555-123-4567", "11": ["A very long answer indeed", "Referral"]}""", "11 (How did you hear about us?): longer than 20 characters");

    [Fact]
    public void WithoutValidationOnlyTheServersOwnLimitApplies()
    {
        Assert.Single(Read("""{"11": ["A very long answer indeed", "Referral"]}""", validate: false));
        var tooLong = JsonSerializer.Serialize(new Dictionary<string, string[]> { ["11"] = [new string('x', CustomFieldSchemas.MaxAnswerLength + 1), "Referral"] });
        AssertRefused(tooLong, $"11: longer than {CustomFieldSchemas.MaxAnswerLength} characters", validate: false);
    }

    [Theory]
    [InlineData("+1 (555) 123-4567")]
    [InlineData("555.123.4567")]
    [InlineData("+44 20 7946 0958 ext. 12")]
    [InlineData("0049/30/1234567")]
    public void PhoneNumbersInTheUsualShapesAreAccepted(string phone) =>
        Assert.Single(Read(JsonSerializer.Serialize(new Dictionary<string, string[]> { ["12"] = [phone, "Phone"] }), validate: true));

    [Theory]
    [InlineData("call me")]
    [InlineData("12")]
    [InlineData("+1 555 123 4567 8901 2345 6789")]
    public void WithValidationSomethingThatIsNotAPhoneNumberIsRefused(string phone) =>
        AssertRefused(JsonSerializer.Serialize(new Dictionary<string, string[]> { ["12"] = [phone, "Phone"] }), "12 (Phone): must be a phone number");

    [Fact]
    public void WithValidationAnEmailFieldNeedsAnEmailAddress()
    {
        AssertRefused("""{"12": "555-123-4567", "13": ["not-an-email", "Work e-mail"]}""", "13 (Work e-mail): must be an e-mail address");
        Assert.Equal(2, Read("""{"12": "555-123-4567", "13": ["ada@example.com", "Work e-mail"]}""", validate: true).Length);
    }

    [Fact]
    public void WithValidationATextFieldIsOneLineAndAMultiLineFieldIsNot()
    {
        AssertRefused("""{"12": "555-123-4567", "11": ["line one\nline two", "Referral"]}""", "11 (How did you hear about us?): must be one line (use a multi-line field for more)");
        Assert.Equal(2, Read("""{"12": "555-123-4567", "18": ["line one\nline two", "Notes"]}""", validate: true).Length);
    }

    [Fact]
    public void AnAddressIsFivePartsPaddedWhenShorter()
    {
        var answers = Read("""{"12": "555-123-4567", "15": [["1 Main St", "Apt 2", "Springfield"], "Address"]}""", validate: true);

        Assert.Equal(["1 Main St", "Apt 2", "Springfield", "", ""], answers[1].Value.EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void AnAddressWithMoreThanFivePartsOrAPartTooLongIsRefused()
    {
        AssertRefused("""{"12": "555-123-4567", "15": [["a", "b", "c", "d", "e", "f"], "Address"]}""", "15 (Address): an address is [address, apt, city, state, zip]");
        AssertRefused("""{"12": "555-123-4567", "15": [["a very long street name that goes on and on", "", "", "", ""], "Address"]}""", "15 (Address): longer than 40 characters");
    }

    [Fact]
    public void ADropdownAnswerIsOneOfItsOptionsInTheOptionsSpelling()
    {
        var answers = Read("""{"12": "555-123-4567", "16": ["medium", "Size"]}""", validate: true);

        Assert.Equal("Medium", answers[1].Value.GetString());
        AssertRefused("""{"12": "555-123-4567", "16": ["Huge", "Size"]}""", "16 (Size): 'Huge' is not one of Small, Medium, Large");
        AssertRefused("""{"12": "555-123-4567", "16": [["Small", "Large"], "Size"]}""", "16 (Size): takes one choice");
    }

    [Fact]
    public void AMultiSelectTakesAListOrPipeDelimitedChoices()
    {
        var list = Read("""{"12": "555-123-4567", "17": [["olives", "Cheese", "Olives"], "Toppings"]}""", validate: true);
        var piped = Read("""{"12": "555-123-4567", "17": ["Cheese|Basil", "Toppings"]}""", validate: true);

        Assert.Equal(["Olives", "Cheese"], list[1].Value.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Cheese|Basil", piped[1].Value.GetString());
        AssertRefused("""{"12": "555-123-4567", "17": [["Cheese", "Ham"], "Toppings"]}""", "17 (Toppings): 'Ham' is not one of Cheese, Olives, Basil");
    }

    [Theory]
    [InlineData("""["not", "an", "object"]""", "must be an object")]
    [InlineData("""{"12": []}""", "12: must be")]
    [InlineData("""{"12": ["a", "b", "h", "extra"]}""", "12: must be")]
    [InlineData("""{"12": {"value": "x"}}""", "12: the value must be text or a list of texts")]
    [InlineData("""{"12": [[["nested"]], "Phone"]}""", "12: a list value holds text only")]
    [InlineData("""{"12": ["x", 5]}""", "12: the label must be text")]
    [InlineData("""{"": ["x", "y"]}""", "is not a custom field id")]
    [InlineData("""{"12": "555-123-4567", "custom_field_12": "555-123-4567"}""", "12: answered twice")]
    [InlineData("\"{not json\"", "is not valid JSON")]
    public void AMalformedShapeIsRefusedEvenWithoutValidation(string json, string problem)
    {
        var refused = Assert.Throws<FieldValidationException>(() => Read(json, validate: false));

        Assert.Equal("custom_fields", refused.Field);
        Assert.Contains(problem, refused.Problem);
    }

    [Fact]
    public void AFormPostedObjectAsJsonTextIsRead()
    {
        var text = JsonSerializer.Serialize("""{"12": ["555-123-4567", "Phone"]}""");

        Assert.Equal("12", Assert.Single(Read(text, validate: true)).FieldId);
    }

    [Fact]
    public void AnswersWriteBackInTheWireForm()
    {
        var answers = Read("""{"12": "555-123-4567", "14": ["A-1001"], "15": [["1 Main St"], "Home"]}""", validate: true);

        var json = CustomFieldAnswers.ToJson(answers).GetRawText();

        Assert.Equal("""{"12":["555-123-4567","Phone"],"14":["A-1001","Order ID","h"],"15":[["1 Main St","","","",""],"Home"]}""", json);
        Assert.Equal(answers, CustomFieldAnswers.Read(CustomFieldAnswers.ToJson(answers), Form, validate: true), new AnswerComparer());
    }

    [Fact]
    public void NumbersAndBooleansAreReadAsText()
    {
        var answers = Read("""{"12": [5551234567, "Phone"], "11": [true]}""", validate: false);

        Assert.Equal(("5551234567", "true"), (answers[0].Value.GetString(), answers[1].Value.GetString()));
    }

    private static ImmutableArray<CustomFieldAnswer> Read(string json, bool validate) =>
        CustomFieldAnswers.Read(JsonSerializer.Deserialize<JsonElement>(json), Form, validate);

    private static void AssertRefused(string json, string problem, bool validate = true)
    {
        var refused = Assert.Throws<FieldValidationException>(() => Read(json, validate));

        Assert.Equal("custom_fields", refused.Field);
        Assert.Equal(problem, refused.Problem);
    }

    private static CustomField Field(long id, object values)
    {
        var bound = CustomFieldSchemas.Field.Bind(
            JsonSerializer.SerializeToElement(values).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.OrdinalIgnoreCase),
            create: true);
        return new CustomField(id, 1, CustomFieldRules.Validate(CustomFieldRules.WithDefaults(bound)), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);
    }

    private sealed class AnswerComparer : IEqualityComparer<CustomFieldAnswer>
    {
        public bool Equals(CustomFieldAnswer? x, CustomFieldAnswer? y) =>
            x is not null && y is not null && (x.FieldId, x.Label, x.Hidden, x.Value.GetRawText()) == (y.FieldId, y.Label, y.Hidden, y.Value.GetRawText());

        public int GetHashCode(CustomFieldAnswer obj) => obj.FieldId.GetHashCode(StringComparison.Ordinal);
    }
}
