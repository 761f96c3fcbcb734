using System.Text.Json;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Records;

namespace Scheduling.Grains.Appointments;

/// <summary>
/// The list filters and order of <see cref="AppointmentQuery"/> over rows in memory: the memory store's query,
/// written to answer exactly as the PostgreSQL store's SQL does.
/// </summary>
public static class AppointmentFilter
{
    public static bool Matches(Appointment row, AppointmentQuery query)
    {
        if ((query.Id is { } id && row.Id != id)
            || (query.EmployeeId is { } employee && row.EmployeeId != employee)
            || (query.LocationId is { } location && row.LocationId != location)
            || (query.ServiceId is { } service && row.ServiceId != service)
            || (query.ClientId is { } client && row.ClientId != client)
            || (!query.Statuses.IsDefaultOrEmpty && !query.Statuses.Contains(row.Status))
            || (query.StartFrom is { } from && row.Start < from)
            || (query.StartBefore is { } before && row.Start >= before)
            || (query.UpdatedAfter is { } updatedAfter && row.UpdatedAt < updatedAfter)
            || (query.UpdatedBefore is { } updatedBefore && row.UpdatedAt >= updatedBefore)
            || (query.CreatedAfter is { } createdAfter && row.CreatedAt < createdAfter)
            || (query.CreatedBefore is { } createdBefore && row.CreatedAt >= createdBefore)
            || (query.Paid is { } paid && (row.Values.GetBool(AppointmentField.Paid) ?? false) != paid))
        {
            return false;
        }

        if (query.ClientEmail is { } email && !string.Equals(Text(row, AppointmentField.ClientEmail).Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (query.ClientName is { } name && !Text(row, AppointmentField.ClientName).Contains(name, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (query.SearchText is { } search)
        {
            var haystack = SearchHaystack(row);
            foreach (var term in SearchTerms(search))
            {
                if (!haystack.Contains(term, StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }
            }
        }

        if (query.EwsId is { } ews && !string.Equals(Text(row, AppointmentField.EwsId), ews, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return (query.CustomFields is not { } custom || MatchesCustomFields(row, custom))
            && (query.CustomFieldValues.IsDefaultOrEmpty || query.CustomFieldValues.All(value => MatchesCustomFields(row, value)));
    }

    /// <summary>Whether the row is counted by <see cref="IAppointmentStore.CountUpcomingAsync"/>.</summary>
    public static bool IsUpcomingOf(Appointment row, AppointmentOwner owner, long ownerId, DateTimeOffset since) =>
        row.Occupies
        && !AppointmentStatus.IsImportedBusyTime(row.Status)
        && row.BlockEnd > since
        && ownerId == owner switch
        {
            AppointmentOwner.Employee => row.EmployeeId,
            AppointmentOwner.Location => row.LocationId,
            _ => row.ServiceId,
        };

    /// <summary>The order of the list: the sort key, then the id, both reversed for descending.</summary>
    public static int Compare(Appointment a, Appointment b, AppointmentQuery query)
    {
        var byKey = query.SortBy == AppointmentSort.Created ? a.CreatedAt.CompareTo(b.CreatedAt) : a.Start.CompareTo(b.Start);
        var order = byKey != 0 ? byKey : a.Id.CompareTo(b.Id);
        return query.Descending ? -order : order;
    }

    /// <summary>The words of search_text (split on whitespace), each matched on its own.</summary>
    public static IReadOnlyList<string> SearchTerms(string search) =>
        search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The answer keys a custom field id may be stored under: its id without the "custom_field_" prefix lists use.</summary>
    public static string FieldKey(string fieldId) =>
        fieldId.StartsWith("custom_field_", StringComparison.OrdinalIgnoreCase) ? fieldId["custom_field_".Length..] : fieldId;

    // One haystack with a newline between fields: terms hold no whitespace, so none matches across two fields.
    private static string SearchHaystack(Appointment row) =>
        string.Join('\n', Text(row, AppointmentField.ClientName), Text(row, AppointmentField.ClientEmail), Text(row, AppointmentField.ClientPhone), Text(row, AppointmentField.Note));

    private static bool MatchesCustomFields(Appointment row, CustomFieldSearch search)
    {
        var answers = row.Values.TryGetValue(AppointmentField.CustomFields, out var value) && value.ValueKind == JsonValueKind.Object ? value : default;
        var matched = 0;
        foreach (var fieldId in search.FieldIds)
        {
            var hit = answers.ValueKind == JsonValueKind.Object
                && answers.TryGetProperty(FieldKey(fieldId), out var answer)
                && answer.ValueKind == JsonValueKind.Array
                && answer.GetArrayLength() > 0
                && AnswerParts(answer[0]).Any(part => search.Exact
                    ? string.Equals(part, search.Text, StringComparison.OrdinalIgnoreCase)
                    : part.Contains(search.Text, StringComparison.OrdinalIgnoreCase));
            if (hit)
            {
                matched++;
            }
            else if (search.MatchAll)
            {
                return false;
            }
        }

        return search.MatchAll ? matched == search.FieldIds.Length : matched > 0;
    }

    private static IEnumerable<string> AnswerParts(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Array => value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!),
        _ => [],
    };

    private static string Text(Appointment row, string field) => row.Values.GetText(field) ?? string.Empty;
}
