namespace Scheduling.Grains.Clients;

/// <summary>
/// Clients of a company, unique per (company, e-mail): a table, because clients are many, searched and paged,
/// and upserted by every saved appointment. Implemented for memory and PostgreSQL.
/// </summary>
public interface IClientStore
{
}

/// <summary>Placeholder until the clients area lands.</summary>
public sealed class MemoryClientStore : IClientStore
{
}

/// <summary>Placeholder until the clients area lands.</summary>
public sealed class PostgresClientStore : IClientStore
{
}
