namespace Scheduling.Grains.Availability;

/// <summary>Set operations on sorted minute ranges of one day.</summary>
public static class Ranges
{
    public static List<MinuteRange> Merge(List<MinuteRange> ranges)
    {
        if (ranges.Count <= 1)
        {
            return ranges.Where(r => !r.IsEmpty).ToList();
        }

        ranges.Sort((a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<MinuteRange>(ranges.Count);
        foreach (var range in ranges)
        {
            if (range.IsEmpty)
            {
                continue;
            }

            if (merged.Count > 0 && range.Start <= merged[^1].End)
            {
                merged[^1] = merged[^1] with { End = Math.Max(merged[^1].End, range.End) };
            }
            else
            {
                merged.Add(range);
            }
        }

        return merged;
    }

    public static List<MinuteRange> Subtract(List<MinuteRange> ranges, IEnumerable<MinuteRange> cuts)
    {
        var result = ranges;
        foreach (var cut in cuts)
        {
            if (cut.IsEmpty)
            {
                continue;
            }

            var next = new List<MinuteRange>(result.Count + 1);
            foreach (var range in result)
            {
                if (cut.End <= range.Start || cut.Start >= range.End)
                {
                    next.Add(range);
                    continue;
                }

                if (cut.Start > range.Start)
                {
                    next.Add(new MinuteRange(range.Start, cut.Start));
                }

                if (cut.End < range.End)
                {
                    next.Add(new MinuteRange(cut.End, range.End));
                }
            }

            result = next;
        }

        return result;
    }

    public static List<MinuteRange> Intersect(List<MinuteRange> ranges, IReadOnlyList<MinuteRange> windows)
    {
        var result = new List<MinuteRange>();
        foreach (var range in ranges)
        {
            foreach (var window in windows)
            {
                var start = Math.Max(range.Start, window.Start);
                var end = Math.Min(range.End, window.End);
                if (end > start)
                {
                    result.Add(new MinuteRange(start, end));
                }
            }
        }

        return Merge(result);
    }
}
