using System.Text.RegularExpressions;
using Scheduling.ApiHost.Widget;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.Widget;

/// <summary>The widget's words: every language has every word, and every word the script asks for exists.</summary>
public sealed partial class WidgetTextTests
{
    [Fact]
    public void EveryLanguageHasTheSameWordsAsEnglish()
    {
        var english = WidgetText.For("en").Keys.Order().ToList();

        Assert.Equal(["en", "es", "fr"], WidgetText.Codes.Order());
        Assert.All(WidgetText.Codes, code => Assert.Equal(english, WidgetText.For(code).Keys.Order()));
        Assert.All(WidgetText.Codes, code => Assert.All(WidgetText.For(code).Values, text => Assert.False(string.IsNullOrWhiteSpace(text))));
    }

    [Fact]
    public void EveryWordTheScriptShowsIsInTheTables()
    {
        var script = File.ReadAllText(RepositoryPaths.Combine("src", "ApiHost", "Widget", "Assets", "widget.js"));
        var asked = WordCall().Matches(script).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.True(asked.Count > 30, $"only {asked.Count} words found in the script");
        Assert.All(asked, key => Assert.True(WidgetText.For("en").ContainsKey(key), $"widget.js asks for '{key}'"));
    }

    [Fact]
    public void AnUnknownLanguageFallsBackToEnglish()
    {
        Assert.Equal("en", WidgetText.Code("de"));
        Assert.Equal("Book an appointment", WidgetText.For(null)["title"]);
        Assert.Equal("Reservar una cita", WidgetText.For(" ES ")["title"]);
    }

    [GeneratedRegex(@"\bt\(""([a-z_]+)""")]
    private static partial Regex WordCall();
}
