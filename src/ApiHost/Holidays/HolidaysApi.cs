using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using NodaTime;
using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Holidays;
using Scheduling.Grains.Holidays;

namespace Scheduling.ApiHost.Holidays;

/// <summary>The account's holidays, under availability (reference "Holidays", SPEC §4-5).</summary>
public static class HolidaysApi
{
    public static IEndpointRouteBuilder MapHolidaysApi(this IEndpointRouteBuilder endpoints)
    {
        var availability = endpoints.MapGroup("/api/v2/availability");
        availability.MapPost("/saveHoliday", SaveAsync);
        availability.MapPost("/saveHoliday/{id}", UpdateAsync);
        availability.MapGet("/getHoliday", ListAsync);
        availability.MapGet("/getHoliday/{id}", GetAsync);
        availability.MapPost("/deleteHoliday/{ids}", DeleteAsync);
        availability.MapPost("/deleteHoliday", DeleteAsync);
        return endpoints;
    }

    /// <summary>
    /// Holidays sorted by their date in <c>year</c> (default: this year, UTC), yearly ones dated in that year.
    /// Filters: <c>type</c>, <c>enabled</c>, and <c>year</c> itself (fixed holidays that touch it; yearly ones always).
    /// </summary>
    private static async Task<IResult> ListAsync(ApiCall call, TimeProvider time)
    {
        var request = call.Request;
        var page = request.GetPage();
        var year = Year(request, time);
        var type = request.GetInt("type");
        var enabled = request.GetBool("enabled");
        var holidays = await HolidaysOf(call).ListAsync();
        var shown = holidays
            .Where(h => (type is null || (int)h.Type == type) && (enabled is null || h.Enabled == enabled))
            .Select(h => (Holiday: h, Rule: HolidayRule.From(h)))
            .Where(h => request.GetInt("year") is null || h.Rule.TryGetOccurrence(year, out _, out _))
            .OrderBy(h => FirstDay(h.Rule, year))
            .ThenBy(h => h.Holiday.Id);
        return ApiEnvelope.Ok(page.Apply(shown).Select(h => View(h.Holiday, year)).ToList());
    }

    /// <summary>Every holiday of the call's company as the list shows them (for getAccountInfo), in date order.</summary>
    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> AllViewsAsync(ApiCall call, TimeProvider time)
    {
        var year = Year(call.Request, time);
        var holidays = await HolidaysOf(call).ListAsync();
        return [.. holidays.OrderBy(h => FirstDay(HolidayRule.From(h), year)).ThenBy(h => h.Id).Select(h => View(h, year))];
    }

    private static async Task<IResult> GetAsync(string id, ApiCall call, TimeProvider time)
    {
        var holidayId = ApiRequest.PathId(id);
        var holiday = await HolidaysOf(call).GetAsync(holidayId) ?? throw new NotFoundException($"holiday {holidayId} not found");
        return ApiEnvelope.Ok(View(holiday, Year(call.Request, time)));
    }

    /// <summary>Creates a holiday, or modifies one when the body names its <c>id</c> (as older clients do).</summary>
    private static async Task<IResult> SaveAsync(ApiCall call, TimeProvider time)
    {
        var changes = HolidaySchemas.Holiday.Bind(call.Request.Fields, create: true);
        var holidays = HolidaysOf(call);
        var holiday = call.Request.GetId("id") is { } id
            ? await holidays.UpdateAsync(id, changes)
            : await holidays.CreateAsync(changes);
        return ApiEnvelope.Ok(View(holiday, Year(call.Request, time)));
    }

    private static async Task<IResult> UpdateAsync(string id, ApiCall call, TimeProvider time)
    {
        var holidayId = ApiRequest.PathId(id);
        var holiday = await HolidaysOf(call).UpdateAsync(holidayId, HolidaySchemas.Holiday.Bind(call.Request.Fields, create: false));
        return ApiEnvelope.Ok(View(holiday, Year(call.Request, time)));
    }

    /// <summary>Deletes the comma-separated ids (path, or <c>ids</c> in the query or body), all or none.</summary>
    private static async Task<IResult> DeleteAsync(HttpContext context, ApiCall call)
    {
        var text = context.Request.RouteValues.TryGetValue("ids", out var path) && path is string fromPath
            ? fromPath
            : call.Request.GetString("ids", 20_000) ?? throw ApiException.InvalidField("ids", "is required: holiday ids separated by commas");
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is 0 or > HolidayCalendarGrain.MaxHolidays)
        {
            throw ApiException.InvalidField("ids", $"must list 1 to {HolidayCalendarGrain.MaxHolidays} holiday ids separated by commas");
        }

        var ids = parts.Select(part => ApiRequest.PathId(part, "ids")).Distinct().ToImmutableArray();
        await HolidaysOf(call).DeleteAsync(ids);
        return ApiEnvelope.Ok(true);
    }

    private static IHolidayCalendarGrain HolidaysOf(ApiCall call) => call.Grains.GetGrain<IHolidayCalendarGrain>(call.CompanyId);

    // The year whose dates a response shows: "year" if given, else this year (UTC).
    private static int Year(ApiRequest request, TimeProvider time)
    {
        var year = request.GetInt("year") ?? time.GetUtcNow().Year;
        return year is >= HolidayDates.MinYear and <= HolidayDates.MaxYear
            ? year
            : throw ApiException.InvalidField("year", $"must be between {HolidayDates.MinYear} and {HolidayDates.MaxYear}");
    }

    private static LocalDate FirstDay(HolidayRule rule, int year) =>
        rule.Type == HolidayType.VariableDate ? rule.DateIn(year) : rule.First;

    /// <summary>
    /// The reference's holiday: its attributes plus what the server computes. A yearly holiday shows its date in
    /// <paramref name="year"/> as start/end and timestamp, and year 0; a fixed one its own dates and start year.
    /// </summary>
    private static IReadOnlyDictionary<string, object?> View(Holiday holiday, int year)
    {
        var rule = HolidayRule.From(holiday);
        var yearly = holiday.Type == HolidayType.VariableDate;
        var first = FirstDay(rule, year);
        var last = yearly ? first : rule.LastDate;
        var caption = holiday.Name.Length > 0 ? $"{rule.Describe()} ({holiday.Name})" : rule.Describe();
        return HolidaySchemas.Holiday.Render(ImmutableDictionary<string, JsonElement>.Empty, new Dictionary<string, object?>
        {
            ["id"] = holiday.Id,
            ["company_id"] = holiday.CompanyId,
            ["name"] = holiday.Name,
            ["type"] = (int)holiday.Type,
            ["start_date"] = HolidayDates.StartOfDay(first),
            ["end_date"] = HolidayDates.EndOfDay(last),
            ["day_in_week"] = holiday.DayInWeek ?? 0,
            ["month"] = holiday.Month ?? 0,
            ["day_order"] = holiday.DayOrder ?? 0,
            ["year"] = yearly ? 0 : first.Year,
            ["caption"] = caption,
            ["enabled"] = holiday.Enabled ? 1 : 0,
            ["timestamp"] = HolidayDates.UnixSeconds(first),
            ["created_at"] = Iso(holiday.CreatedAt),
            ["updated_at"] = Iso(holiday.UpdatedAt),
        });
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
