using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Clients;
using Scheduling.Contracts.Records;

namespace Scheduling.Grains.Clients;

/// <summary>
/// Clients of a company, unique per (company, e-mail, compared case-insensitively): a table, because clients
/// are many, searched and paged, and upserted by every saved appointment. Implemented for memory and PostgreSQL
/// with the same semantics. Every call is scoped to a company: another company's client is never found.
/// </summary>
public interface IClientStore
{
    /// <summary>
    /// Creates a client from schema values (<c>email</c> required). <c>cient_since</c> defaults to the creation
    /// date (UTC). Throws <see cref="Contracts.Errors.SaveConflictException"/> when the company already has a
    /// client with that e-mail.
    /// </summary>
    Task<ClientRecord> CreateAsync(long companyId, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken);

    /// <summary>The company's client, or null (also when the id belongs to another company).</summary>
    Task<ClientRecord?> GetAsync(long companyId, long clientId, CancellationToken cancellationToken);

    /// <summary>The company's client with this e-mail (case-insensitive), or null.</summary>
    Task<ClientRecord?> FindByEmailAsync(long companyId, string email, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a partial update: the given values replace the stored ones, the others stay. Null when the company
    /// has no such client; <see cref="Contracts.Errors.SaveConflictException"/> when a new e-mail is another
    /// client's.
    /// </summary>
    Task<ClientRecord?> UpdateAsync(long companyId, long clientId, IReadOnlyDictionary<string, JsonElement> changes, CancellationToken cancellationToken);

    /// <summary>Deletes the company's client; false when there was none.</summary>
    Task<bool> DeleteAsync(long companyId, long clientId, CancellationToken cancellationToken);

    /// <summary>One page of the company's clients matching every filter of <paramref name="query"/>, in its order.</summary>
    Task<IReadOnlyList<ClientRecord>> ListAsync(long companyId, ClientQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// What every saved appointment calls: creates the company's client with this e-mail from
    /// <paramref name="fields"/>, or applies <paramref name="fields"/> to the existing one (the stored e-mail's
    /// spelling is kept). Atomic: concurrent upserts of one new e-mail create exactly one client. Server fields
    /// may be set here: <c>employee_id</c> (an integer) and <c>last_app_date</c> (an instant, stored as
    /// <see cref="ClientSchemas.FormatTimestamp"/>).
    /// <para>
    /// Durability rides on the appointment's commit: on PostgreSQL an upsert does not wait for its own WAL flush
    /// (synchronous_commit off for its transaction). The log is sequential, so the booking's durable commit that
    /// follows makes the client durable too; a crash before that loses only a client of a booking that was never
    /// acknowledged. The note of the newest booking written after the commit (<c>employee_id</c>,
    /// <c>last_app_date</c>) is flushed by the next commit or by the WAL writer within a few hundred milliseconds;
    /// it is derived from the appointments, and the next booking of the client writes it again.
    /// </para>
    /// </summary>
    Task<ClientUpsert> UpsertByEmailAsync(long companyId, string email, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken);
}

/// <summary>A stored client: schema values (as <see cref="ClientSchemas.Client"/> declares them) plus server fields.</summary>
public sealed record ClientRecord(long Id, long CompanyId, ImmutableDictionary<string, JsonElement> Fields, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public string Email => Fields.GetText(ClientField.Email) ?? string.Empty;

    public string Name => Fields.GetText(ClientField.Name) ?? string.Empty;
}

/// <summary>The client an upsert left, and whether it created it.</summary>
public sealed record ClientUpsert(ClientRecord Client, bool Created);
