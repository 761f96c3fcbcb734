using System.Collections.Concurrent;
using Npgsql;
using NpgsqlTypes;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Media;

/// <summary>An uploaded image (logo, photo, client picture), owned by one company.</summary>
public sealed record MediaItem(long Id, long CompanyId, string ContentType, string FileName, byte[] Content, DateTimeOffset CreatedAt);

/// <summary>Where uploaded images live: process memory on the embedded default, a table on PostgreSQL.</summary>
public interface IMediaStore
{
    Task<MediaItem> SaveAsync(long companyId, string contentType, string fileName, byte[] content, CancellationToken cancellationToken);

    Task<MediaItem?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>Deletes the item if it belongs to the company; true when something was deleted.</summary>
    Task<bool> DeleteAsync(long companyId, long id, CancellationToken cancellationToken);
}

public sealed class MemoryMediaStore(IIdGenerator ids, TimeProvider time) : IMediaStore
{
    private readonly ConcurrentDictionary<long, MediaItem> _items = new();

    public async Task<MediaItem> SaveAsync(long companyId, string contentType, string fileName, byte[] content, CancellationToken cancellationToken)
    {
        var item = new MediaItem(await ids.NextIdAsync(cancellationToken), companyId, contentType, fileName, content, time.GetUtcNow());
        _items[item.Id] = item;
        return item;
    }

    public Task<MediaItem?> GetAsync(long id, CancellationToken cancellationToken) =>
        Task.FromResult(_items.TryGetValue(id, out var item) ? item : null);

    public Task<bool> DeleteAsync(long companyId, long id, CancellationToken cancellationToken) =>
        Task.FromResult(_items.TryGetValue(id, out var item) && item.CompanyId == companyId && _items.TryRemove(id, out _));
}

public sealed class PostgresMediaStore(NpgsqlDataSource dataSource, IIdGenerator ids, TimeProvider time) : IMediaStore
{
    public async Task<MediaItem> SaveAsync(long companyId, string contentType, string fileName, byte[] content, CancellationToken cancellationToken)
    {
        var item = new MediaItem(await ids.NextIdAsync(cancellationToken), companyId, contentType, fileName, content, time.GetUtcNow());
        await using var command = dataSource.CreateCommand(
            "INSERT INTO media (id, company_id, content_type, file_name, content, created_at) VALUES ($1, $2, $3, $4, $5, $6)");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = item.Id });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = companyId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = contentType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = fileName });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = content, NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = item.CreatedAt });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return item;
    }

    public async Task<MediaItem?> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT company_id, content_type, file_name, content, created_at FROM media WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new MediaItem(id, reader.GetInt64(0), reader.GetString(1), reader.GetString(2), (byte[])reader[3], reader.GetFieldValue<DateTimeOffset>(4))
            : null;
    }

    public async Task<bool> DeleteAsync(long companyId, long id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM media WHERE id = $1 AND company_id = $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = companyId });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }
}
