using Microsoft.Extensions.DependencyInjection;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.TestSupport;

namespace Scheduling.ApiHost.Tests.TimeZones;

public sealed class TimeZonesApiTests : IAsyncLifetime
{
    // Mid-January: US/Pacific is on standard time (-08:00), Europe/Berlin on +01:00.
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));
    private ApiHostFactory _factory = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _factory = new ApiHostFactory(services: s => s.AddSingleton<TimeProvider>(_clock));
        _client = _factory.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task ListGivesEveryZoneKeyedByIdWithItsOffsetNow()
    {
        var envelope = await _client.GetEnvelopeAsync("/api/v2/tz/list");

        Assert.Equal((200, 0, "OK"), (envelope.HttpStatus, envelope.StatusCode, envelope.StatusDescriptions));
        var pacific = envelope.Data.GetProperty("553");
        Assert.Equal(-28800, pacific.GetProperty("gmt").GetInt32());
        Assert.Equal("US/Pacific", pacific.GetProperty("dbName").GetString());
        Assert.Equal("GMT -08:00", pacific.GetProperty("short").GetString());
        Assert.Equal("GMT-08:00", pacific.GetProperty("friendly").GetString());
        Assert.StartsWith("GMT -08:00", pacific.GetProperty("caption").GetString());
        Assert.Equal(File.ReadAllLines(CsvPath()).Length - 1, envelope.Data.EnumerateObject().Count());
    }

    [Fact]
    public async Task ListFollowsTheClockAcrossDaylightSaving()
    {
        _clock.SetUtcNow(new DateTimeOffset(2026, 7, 15, 12, 0, 0, TimeSpan.Zero));

        var pacific = (await _client.GetEnvelopeAsync("/api/v2/tz/list")).Data.GetProperty("553");

        Assert.Equal(-25200, pacific.GetProperty("gmt").GetInt32());
        Assert.Equal("GMT -07:00", pacific.GetProperty("short").GetString());
    }

    [Fact]
    public async Task ReverseCaptionPutsTheNameFirst()
    {
        var normal = (await _client.GetEnvelopeAsync("/api/v2/tz/list")).Data.GetProperty("553").GetProperty("caption").GetString();
        var reversed = (await _client.GetEnvelopeAsync("/api/v2/tz/list?reverse_caption=1")).Data.GetProperty("553").GetProperty("caption").GetString();

        Assert.NotEqual(normal, reversed);
        Assert.StartsWith("US/Pacific", reversed);
    }

    [Fact]
    public async Task DataGivesTheOffsetAtTheRequestedTime()
    {
        // 2026-07-01T00:00:00Z: Berlin is on summer time.
        var envelope = await _client.GetEnvelopeAsync("/api/v2/tz/data?id=" + IdOf("Europe/Berlin") + "&time=1782864000");

        Assert.Equal(7200, envelope.Data.GetProperty("Europe/Berlin").GetProperty("offset").GetInt32());
    }

    [Fact]
    public async Task DataDefaultsToUsPacificNow()
    {
        var envelope = await _client.GetEnvelopeAsync("/api/v2/tz/data");

        Assert.Equal(-28800, envelope.Data.GetProperty("US/Pacific").GetProperty("offset").GetInt32());
    }

    [Fact]
    public async Task DataAcceptsNumbersAsStringsAndHalfHourZones()
    {
        var envelope = await _client.GetEnvelopeAsync($"/api/v2/tz/data?id=%22{IdOf("Asia/Kolkata")}%22&time=1782864000".Replace("%22", string.Empty));

        Assert.Equal(19800, envelope.Data.GetProperty("Asia/Kolkata").GetProperty("offset").GetInt32());
    }

    [Theory]
    [InlineData("/api/v2/tz/data?id=abc", "id: must be an integer")]
    [InlineData("/api/v2/tz/data?id=99999", "id: 99999 is not a time zone id")]
    [InlineData("/api/v2/tz/data?time=tomorrow", "time: must be an integer")]
    [InlineData("/api/v2/tz/data?time=99999999999999", "time: must be a Unix timestamp")]
    [InlineData("/api/v2/tz/list?reverse_caption=maybe", "reverse_caption: must be 0 or 1")]
    public async Task BadParametersGetInvalidParametersNamingTheField(string url, string description)
    {
        var envelope = await _client.GetEnvelopeAsync(url);

        Assert.Equal((400, 1), (envelope.HttpStatus, envelope.StatusCode));
        Assert.StartsWith(description, envelope.StatusDescriptions);
        Assert.Equal(envelope.StatusDescriptions, envelope.StatusDescription);
    }

    [Theory]
    [InlineData("/api/v2/TZ/LIST")]
    [InlineData("/api/v2/tz/list/")]
    [InlineData("/API/V2/Tz/List/")]
    public async Task PathsAreCaseInsensitiveAndAcceptATrailingSlash(string url)
    {
        var envelope = await _client.GetEnvelopeAsync(url);

        Assert.Equal(0, envelope.StatusCode);
        Assert.Equal("US/Pacific", envelope.Data.GetProperty("553").GetProperty("dbName").GetString());
    }

    [Fact]
    public async Task UnknownApiPathAnswersNotFoundInTheEnvelope()
    {
        var envelope = await _client.GetEnvelopeAsync("/api/v2/no/such/thing");

        Assert.Equal((404, 7), (envelope.HttpStatus, envelope.StatusCode));
        Assert.Contains("/api/v2/no/such/thing", envelope.StatusDescriptions);
    }

    private static string CsvPath()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Cluster.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory!.FullName, "src", "Grains", "TimeZones", "timezones.csv");
    }

    private static string IdOf(string name) =>
        File.ReadLines(CsvPath()).Skip(1).Select(l => l.Split(',')).First(p => p[1] == name)[0];
}
