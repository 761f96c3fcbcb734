using System.Globalization;
using Scheduling.Contracts.Records;

namespace Scheduling.Grains.Catalog;

/// <summary>
/// The date forms of the catalog documents: availabilities use "M/D/YYYY", service schedules "D/M/YYYY"
/// (SPEC §5), service active dates "YYYY-MM-DD". Zero padding is optional everywhere (SPEC §1), and
/// "YYYY-MM-DD" is accepted in place of a slashed date.
/// </summary>
public static class CatalogDates
{
    public static DateOnly ParseMonthFirst(string text, string path) => ParseSlashed(text, path, monthFirst: true, "M/D/YYYY");

    public static DateOnly ParseDayFirst(string text, string path) => ParseSlashed(text, path, monthFirst: false, "D/M/YYYY");

    public static DateOnly ParseIso(string text, string path)
    {
        var parts = text.Trim().Split('-');
        return parts.Length == 3 && TryDate(parts[0], parts[1], parts[2], out var date)
            ? date
            : throw new FieldValidationException(path, $"'{text}' is not a date (YYYY-MM-DD)");
    }

    public static string FormatMonthFirst(DateOnly date) => date.ToString("M/d/yyyy", CultureInfo.InvariantCulture);

    public static string FormatDayFirst(DateOnly date) => date.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    public static string FormatIso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly ParseSlashed(string text, string path, bool monthFirst, string form)
    {
        var trimmed = text.Trim();
        if (trimmed.Contains('-', StringComparison.Ordinal))
        {
            return ParseIso(trimmed, path);
        }

        var parts = trimmed.Split('/');
        if (parts.Length == 3)
        {
            var (month, day) = monthFirst ? (parts[0], parts[1]) : (parts[1], parts[0]);
            if (TryDate(parts[2], month, day, out var date))
            {
                return date;
            }
        }

        throw new FieldValidationException(path, $"'{text}' is not a date ({form})");
    }

    private static bool TryDate(string year, string month, string day, out DateOnly date)
    {
        date = default;
        if (year.Trim().Length != 4
            || !int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) || y < 1900
            || !int.TryParse(month, NumberStyles.None, CultureInfo.InvariantCulture, out var m) || m is < 1 or > 12
            || !int.TryParse(day, NumberStyles.None, CultureInfo.InvariantCulture, out var d) || d < 1 || d > DateTime.DaysInMonth(y, m))
        {
            return false;
        }

        date = new DateOnly(y, m, d);
        return true;
    }
}
