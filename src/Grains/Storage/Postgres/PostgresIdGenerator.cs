using Npgsql;

namespace Scheduling.Grains.Storage.Postgres;

/// <summary>
/// Cluster-wide ids: block n of the sequence owns ids [1000 + n*64, 1000 + (n+1)*64). Silos take whole
/// blocks, so ids never collide across silos and only one id in 64 costs a database round trip.
/// </summary>
public sealed class PostgresIdGenerator(NpgsqlDataSource dataSource) : IIdGenerator
{
    private const long BlockSize = 64;
    private const long FirstId = 1000;
    private readonly SemaphoreSlim _refill = new(1, 1);
    private long _next;
    private long _end;

    public async ValueTask<long> NextIdAsync(CancellationToken cancellationToken = default)
    {
        await _refill.WaitAsync(cancellationToken);
        try
        {
            if (_next >= _end)
            {
                await using var command = dataSource.CreateCommand("SELECT nextval('entity_id_block_seq')");
                var block = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
                _next = FirstId + (block * BlockSize);
                _end = _next + BlockSize;
            }

            return _next++;
        }
        finally
        {
            _refill.Release();
        }
    }
}
