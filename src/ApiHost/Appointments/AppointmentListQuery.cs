using System.Collections.Immutable;
using System.Globalization;
using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Appointments;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.TimeZones;

namespace Scheduling.ApiHost.Appointments;

/// <summary>
/// The filters of <c>GET /appointment</c> (reference "List Appointments"), all optional, all must hold: <c>id</c>,
/// <c>employee_id</c>, <c>location_id</c>, <c>service_id</c>, <c>client_id</c>, <c>status</c> (one or several,
/// comma-separated), <c>start_date</c>/<c>end_date</c> (the start's range; dates or date-times in the list's zone —
/// <c>timezone_id</c>, else the account's; an end date includes its whole day; widened by 48 hours on each side
/// unless <c>only_exact_dates=1</c>, as the reference does for time-zone conversions), <c>search_text</c> (every word
/// in the client's name, e-mail, phone or the note), <c>client_name</c> (a part), <c>client_email</c> (whole),
/// <c>paid</c>, <c>created_after/before</c>, <c>updated_after/before</c>, <c>cf_ids</c> + <c>cf_search</c>
/// (+ <c>cf_search_precision</c> exact|fuzzy, <c>cf_search_operand</c> and|or), and the ones the reference marks
/// deprecated but old clients still send: <c>custom_field_1</c>..<c>custom_field_5</c> (that field's whole answer) and
/// <c>ews_id</c>. Order: <c>sort_by</c> start_date (default) or created, <c>sort_order</c> asc (default) or desc.
/// Paging: start/end. <see cref="ReadListView"/> reads the same query from the paginated list's parameters.
/// </summary>
public static class AppointmentListQuery
{
    private const int MaxSearchLength = 256;
    private const int LegacyCustomFields = 5;
    private static readonly TimeSpan ConversionMargin = TimeSpan.FromHours(48);

    public static AppointmentQuery Read(ApiRequest request, TimeZoneEntry zone)
    {
        var page = request.GetPage();
        var exact = ReadFlag(request, "only_exact_dates");
        var from = Bound(request, AppointmentField.StartDate, zone, upper: false);
        var until = Bound(request, AppointmentField.EndDate, zone, upper: true);
        if (!exact)
        {
            from -= from is null ? null : ConversionMargin;
            until += until is null ? null : ConversionMargin;
        }

        return new AppointmentQuery
        {
            Skip = page.Skip,
            Take = page.Take,
            Id = request.GetId("id"),
            EmployeeId = request.GetId(AppointmentField.EmployeeId),
            LocationId = request.GetId(AppointmentField.LocationId),
            ServiceId = request.GetId(AppointmentField.ServiceId),
            ClientId = request.GetId(AppointmentField.ClientId),
            Statuses = ReadStatuses(request),
            StartFrom = from,
            StartBefore = until,
            SearchText = NonEmpty(request.GetString("search_text", MaxSearchLength)),
            ClientName = NonEmpty(request.GetString(AppointmentField.ClientName, MaxSearchLength)),
            ClientEmail = NonEmpty(request.GetString(AppointmentField.ClientEmail, AppointmentSchemas.MaxEmailLength)),
            Paid = request.GetBool(AppointmentField.Paid),
            CreatedAfter = Bound(request, "created_after", zone, upper: false),
            CreatedBefore = Bound(request, "created_before", zone, upper: true),
            UpdatedAfter = Bound(request, "updated_after", zone, upper: false),
            UpdatedBefore = Bound(request, "updated_before", zone, upper: true),
            CustomFields = ReadCustomFieldSearch(request),
            CustomFieldValues = ReadLegacyCustomFields(request),
            EwsId = NonEmpty(request.GetString(AppointmentField.EwsId, 255)),
            SortBy = NonEmpty(request.GetString("sort_by", 32))?.ToLowerInvariant() switch
            {
                null or "start_date" => AppointmentSort.StartDate,
                "created" or "created_at" => AppointmentSort.Created,
                _ => throw ApiException.InvalidField("sort_by", "must be start_date or created"),
            },
            Descending = NonEmpty(request.GetString("sort_order", 8))?.ToLowerInvariant() switch
            {
                null or "asc" => false,
                "desc" => true,
                _ => throw ApiException.InvalidField("sort_order", "must be asc or desc"),
            },
        };
    }

    /// <summary>
    /// <c>GET /appointment/listView</c> (reference "List Appointments (Paginated)"): <c>location_id</c>, <c>employee_id</c>,
    /// <c>q</c> (as search_text: every word in the client's name, e-mail, phone or the note), <c>start_date</c> (from
    /// that date or date-time on, in <paramref name="zone"/>, exactly: no 48-hour margin), <c>skip</c> and <c>count</c>
    /// (default 10); in start order.
    /// </summary>
    public static AppointmentQuery ReadListView(ApiRequest request, TimeZoneEntry zone)
    {
        var (skip, count) = ReadSkipCount(request);
        return new AppointmentQuery
        {
            Skip = skip,
            Take = count,
            EmployeeId = request.GetId(AppointmentField.EmployeeId),
            LocationId = request.GetId(AppointmentField.LocationId),
            SearchText = NonEmpty(request.GetString("q", MaxSearchLength)),
            StartFrom = Bound(request, AppointmentField.StartDate, zone, upper: false),
        };
    }

    /// <summary><c>skip</c> (default 0) and <c>count</c> (default 10, at most the list cap): the paging of upcoming and listView.</summary>
    public static (int Skip, int Count) ReadSkipCount(ApiRequest request)
    {
        var skip = request.GetInt("skip") ?? 0;
        var count = request.GetInt("count") ?? 10;
        if (skip < 0)
        {
            throw ApiException.InvalidField("skip", "must be 0 or more");
        }

        if (count is < 1 or > ListPage.DefaultMaxRows)
        {
            throw ApiException.InvalidField("count", $"must be between 1 and {ListPage.DefaultMaxRows}");
        }

        return (skip, count);
    }

    private static ImmutableArray<int> ReadStatuses(ApiRequest request)
    {
        var text = NonEmpty(request.GetString(AppointmentField.Status, 64));
        if (text is null)
        {
            return [];
        }

        var statuses = ImmutableArray.CreateBuilder<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var status) || !AppointmentStatus.IsKnown(status))
            {
                throw ApiException.InvalidField(AppointmentField.Status, $"must be statuses among {string.Join(", ", AppointmentStatus.All)}, separated by commas");
            }

            statuses.Add(status);
        }

        return statuses.ToImmutable();
    }

    private static CustomFieldSearch? ReadCustomFieldSearch(ApiRequest request)
    {
        var text = request.GetString("cf_search", MaxSearchLength);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var ids = (request.GetString("cf_ids", 1_000) ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToImmutableArray();
        if (ids.IsEmpty)
        {
            throw ApiException.InvalidField("cf_ids", "is required with cf_search: the custom field ids to search, separated by commas");
        }

        var exact = NonEmpty(request.GetString("cf_search_precision", 8))?.ToLowerInvariant() switch
        {
            null or "exact" => true,
            "fuzzy" => false,
            _ => throw ApiException.InvalidField("cf_search_precision", "must be exact or fuzzy"),
        };
        var all = NonEmpty(request.GetString("cf_search_operand", 8))?.ToLowerInvariant() switch
        {
            null or "and" => true,
            "or" => false,
            _ => throw ApiException.InvalidField("cf_search_operand", "must be and or or"),
        };
        return new CustomFieldSearch(ids, text.Trim(), exact, all);
    }

    // custom_field_N=VALUE: the answer of field N is VALUE (ignoring case), as cf_ids=custom_field_N&cf_search=VALUE.
    private static ImmutableArray<CustomFieldSearch> ReadLegacyCustomFields(ApiRequest request)
    {
        var searches = ImmutableArray.CreateBuilder<CustomFieldSearch>();
        for (var n = 1; n <= LegacyCustomFields; n++)
        {
            var field = FormattableString.Invariant($"custom_field_{n}");
            if (NonEmpty(request.GetString(field, MaxSearchLength)) is { } value)
            {
                searches.Add(new CustomFieldSearch([field], value, Exact: true, MatchAll: true));
            }
        }

        return searches.ToImmutable();
    }

    private static DateTimeOffset? Bound(ApiRequest request, string field, TimeZoneEntry zone, bool upper) =>
        NonEmpty(request.GetString(field, 40)) is { } text ? AppointmentTimes.ParseBound(text, field, zone, upper) : null;

    // only_exact_dates arrives as "true"/"1" (the reference's example) or as a flag.
    private static bool ReadFlag(ApiRequest request, string field) => request.GetBool(field) ?? false;

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
