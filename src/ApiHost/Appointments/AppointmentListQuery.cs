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
/// (+ <c>cf_search_precision</c> exact|fuzzy, <c>cf_search_operand</c> and|or). Order: <c>sort_by</c> start_date
/// (default) or created, <c>sort_order</c> asc (default) or desc. Paging: start/end.
/// </summary>
public static class AppointmentListQuery
{
    private const int MaxSearchLength = 256;
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

    private static DateTimeOffset? Bound(ApiRequest request, string field, TimeZoneEntry zone, bool upper) =>
        NonEmpty(request.GetString(field, 40)) is { } text ? AppointmentTimes.ParseBound(text, field, zone, upper) : null;

    // only_exact_dates arrives as "true"/"1" (the reference's example) or as a flag.
    private static bool ReadFlag(ApiRequest request, string field) => request.GetBool(field) ?? false;

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
