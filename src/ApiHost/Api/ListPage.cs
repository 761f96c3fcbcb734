namespace Scheduling.ApiHost.Api;

/// <summary>Which rows of a list to return.</summary>
public readonly record struct ListPage(int Skip, int Take)
{
    public const int DefaultRows = 100;
    public const int DefaultMaxRows = 10_000;

    public IEnumerable<T> Apply<T>(IEnumerable<T> rows) => rows.Skip(Skip).Take(Take);
}
