using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Scheduling.Contracts.Clients;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Storage;
using Scheduling.Grains.Storage.Postgres;

namespace Scheduling.Grains.Clients;

/// <summary>
/// Clients in the <c>clients</c> table (migration 1002). The unique index on (company_id, lower(email)) keeps
/// e-mails unique, including between concurrent writers on different silos. An upsert first reads the client; only
/// when that finds nothing or something to change does it run one INSERT ... ON CONFLICT statement, atomic without a
/// lock. The upserts' reads are grouped: those made while a lookup is in flight go out together in the next one.
/// </summary>
public sealed class PostgresClientStore : IClientStore, IAsyncDisposable, IDisposable
{
    private const string EmailIndex = "clients_company_email";
    private const string Columns = "id, company_id, fields::text, created_at, updated_at";

    /// <summary>Concurrent grouped lookups (each one connection) and the most reads one takes.</summary>
    private const int CurrentReaders = 2;
    private const int MaxReadsPerLookup = 256;

    private readonly NpgsqlDataSource dataSource;
    private readonly IIdGenerator ids;
    private readonly TimeProvider time;
    private readonly CallGroups<CurrentClientQuery, ClientRecord?> currentReads;

    public PostgresClientStore(NpgsqlDataSource dataSource, IIdGenerator ids, TimeProvider time)
    {
        this.dataSource = dataSource;
        this.ids = ids;
        this.time = time;
        currentReads = new CallGroups<CurrentClientQuery, ClientRecord?>(FindCurrentGroupAsync, CurrentReaders, MaxReadsPerLookup);
    }

    public ValueTask DisposeAsync() => currentReads.DisposeAsync();

    public void Dispose() => currentReads.Dispose();

    public async Task<ClientRecord> CreateAsync(long companyId, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken)
    {
        var email = fields.GetText(ClientField.Email) ?? throw new ArgumentException("a client needs an e-mail", nameof(fields));
        var id = await ids.NextIdAsync(cancellationToken);
        var now = ClientRules.Now(time);
        await using var command = dataSource.CreateCommand(
            $"INSERT INTO clients (id, company_id, fields, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING {Columns}");
        command.Parameters.Add(Long(id));
        command.Parameters.Add(Long(companyId));
        command.Parameters.Add(Json(ClientRules.NewClient(email, fields, now)));
        command.Parameters.Add(Instant(now));
        try
        {
            return (await ReadAllAsync(command, cancellationToken))[0];
        }
        catch (PostgresException ex) when (IsEmailTaken(ex))
        {
            throw await EmailTakenAsync(companyId, email, cancellationToken);
        }
    }

    public async Task<ClientRecord?> GetAsync(long companyId, long clientId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM clients WHERE id = $1 AND company_id = $2");
        command.Parameters.Add(Long(clientId));
        command.Parameters.Add(Long(companyId));
        return (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<ClientRecord?> FindByEmailAsync(long companyId, string email, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM clients WHERE company_id = $1 AND lower(email) = lower($2) AND email <> ''");
        command.Parameters.Add(Long(companyId));
        command.Parameters.Add(Text(email.Trim()));
        return (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<ClientRecord?> UpdateAsync(long companyId, long clientId, IReadOnlyDictionary<string, JsonElement> changes, CancellationToken cancellationToken)
    {
        var checkedChanges = ClientRules.Checked(changes);
        await using var command = dataSource.CreateCommand(
            $"UPDATE clients SET fields = fields || $3, updated_at = $4 WHERE id = $1 AND company_id = $2 RETURNING {Columns}");
        command.Parameters.Add(Long(clientId));
        command.Parameters.Add(Long(companyId));
        command.Parameters.Add(Json(checkedChanges));
        command.Parameters.Add(Instant(ClientRules.Now(time)));
        try
        {
            return (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();
        }
        catch (PostgresException ex) when (IsEmailTaken(ex))
        {
            var email = checkedChanges.GetText(ClientField.Email)!;
            throw await EmailTakenAsync(companyId, email, cancellationToken);
        }
    }

    public async Task<bool> DeleteAsync(long companyId, long clientId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM clients WHERE id = $1 AND company_id = $2");
        command.Parameters.Add(Long(clientId));
        command.Parameters.Add(Long(companyId));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<ClientRecord>> ListAsync(long companyId, ClientQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        var sql = new StringBuilder($"SELECT {Columns} FROM clients WHERE company_id = ");
        sql.Append(Parameter(command, Long(companyId)));
        if (query.ClientId is { } clientId)
        {
            sql.Append(" AND id = ").Append(Parameter(command, Long(clientId)));
        }

        if (query.EmployeeId is { } employeeId)
        {
            sql.Append(" AND employee_id = ").Append(Parameter(command, Long(employeeId)));
        }

        if (query.Email is { } email)
        {
            sql.Append(" AND email <> '' AND lower(email) = lower(").Append(Parameter(command, Text(email.Trim()))).Append(')');
        }

        if (query.Gender is { } gender)
        {
            sql.Append(" AND gender = ").Append(Parameter(command, Text(gender)));
        }

        if (query.AcceptEmails is { } acceptEmails)
        {
            sql.Append(" AND accept_emails = ").Append(Parameter(command, new NpgsqlParameter<bool> { TypedValue = acceptEmails }));
        }

        if (query.ClientSince is { } since)
        {
            sql.Append(" AND client_since = ").Append(Parameter(command, Text(ClientSchemas.FormatDate(since))));
        }

        if (query.Birthday is { } birthday)
        {
            sql.Append(" AND substr(birthday, 6, 5) = ").Append(Parameter(command, Text(ClientRules.MonthDayText(birthday))));
        }

        if (query.LastAppointmentFrom is { } from)
        {
            sql.Append(" AND last_app_date >= ").Append(Parameter(command, Text(ClientSchemas.FormatTimestamp(from))));
        }

        if (query.LastAppointmentBefore is { } before)
        {
            sql.Append(" AND last_app_date < ").Append(Parameter(command, Text(ClientSchemas.FormatTimestamp(before))));
        }

        foreach (var (field, text) in query.TextContains)
        {
            sql.Append(" AND ").Append(TextColumn(command, field)).Append(" ILIKE ").Append(Parameter(command, Text(ContainsPattern(text))));
        }

        // The haystack matches the trigram index clients_search; a term holds no whitespace, so it cannot match across two fields.
        foreach (var term in ClientRules.SearchTerms(query.Search))
        {
            sql.Append(" AND ((name || ' ' || email || ' ' || phone) ILIKE ").Append(Parameter(command, Text(ContainsPattern(term.Text))));
            if (term.PhoneDigits is { } digits)
            {
                sql.Append(" OR regexp_replace(phone, '[^0-9]', '', 'g') LIKE ").Append(Parameter(command, Text(ContainsPattern(digits))));
            }

            sql.Append(')');
        }

        var direction = query.Descending ? "DESC" : "ASC";
        var key = query.SortBy switch
        {
            ClientSort.Name => "lower(name) COLLATE \"C\"",
            ClientSort.Email => "lower(email) COLLATE \"C\"",
            ClientSort.DateCreated => "created_at",
            ClientSort.LastAppointmentDate => "last_app_date",
            ClientSort.ClientSince => "client_since",
            _ => "id",
        };
        sql.Append($" ORDER BY {key} {direction} NULLS LAST, id {direction}");
        sql.Append(" OFFSET ").Append(Parameter(command, Long(query.Skip)));
        sql.Append(" LIMIT ").Append(Parameter(command, Long(query.Take)));
        command.CommandText = sql.ToString();
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<ClientUpsert> UpsertByEmailAsync(long companyId, string email, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);
        var changes = ClientRules.Checked(fields).Remove(ClientField.Email);
        if (await FindCurrentAsync(companyId, email, changes, cancellationToken) is { } current)
        {
            return new ClientUpsert(current, Created: false);
        }

        var id = await ids.NextIdAsync(cancellationToken);
        var now = ClientRules.Now(time);

        // The e-mail identifies the client: an upsert never respells or moves it. xmax = 0 only on a row this
        // statement inserted (an updated row carries the updating transaction's id). A client whose fields already
        // hold the given values is only read: the INSERT gets no row, so nothing is locked, written or logged (an
        // ON CONFLICT that finds nothing to change still locks the row, which costs a transaction id and WAL).
        // When the snapshot's client needs a change, or none is visible, ON CONFLICT decides on the latest version.
        // One round trip: a batch runs in one implicit transaction, whose commit skips its own WAL flush (set_config
        // local; see IClientStore): the booking's durable commit that follows flushes the log past it.
        for (var attempt = 1; ; attempt++)
        {
            await using var batch = dataSource.CreateBatch();
            // The generic plan looks the client up by its unique (company, e-mail) index whatever the statistics say;
            // a custom plan for a company newer than the last ANALYZE took any company_id index and scanned its clients.
            batch.BatchCommands.Add(new NpgsqlBatchCommand(
                "SELECT set_config('synchronous_commit', 'off', true), set_config('plan_cache_mode', 'force_generic_plan', true)"));
            var upsert = new NpgsqlBatchCommand(
                $"""
                WITH found AS (
                    SELECT {Columns}, fields @> $5 AS current FROM clients
                    WHERE company_id = $2 AND lower(email) = lower($6) AND email <> ''),
                upsert AS (
                    INSERT INTO clients AS c (id, company_id, fields, created_at, updated_at)
                    SELECT $1, $2, $3, $4, $4 WHERE NOT EXISTS (SELECT 1 FROM found WHERE current)
                    ON CONFLICT (company_id, lower(email)) WHERE email <> ''
                    DO UPDATE SET fields = c.fields || $5, updated_at = $4
                    WHERE NOT c.fields @> $5
                    RETURNING {Columns}, (xmax = 0) AS created)
                SELECT * FROM upsert
                UNION ALL
                SELECT id, company_id, fields, created_at, updated_at, false FROM found WHERE NOT EXISTS (SELECT 1 FROM upsert)
                """);
            upsert.Parameters.Add(Long(id));
            upsert.Parameters.Add(Long(companyId));
            upsert.Parameters.Add(Json(ClientRules.NewClient(email, fields, now)));
            upsert.Parameters.Add(Instant(now));
            upsert.Parameters.Add(Json(changes));
            upsert.Parameters.Add(Text(email));
            batch.BatchCommands.Add(upsert);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                return new ClientUpsert(Read(reader), reader.GetBoolean(5));
            }

            // The client was committed by another transaction after this statement's snapshot and needed no change:
            // the conflict saw it, the read did not. A new statement sees it.
            if (attempt == 2)
            {
                throw new InvalidOperationException($"client {email} of company {companyId} was neither written nor found");
            }
        }
    }

    /// <summary>
    /// The company's client with this e-mail when its fields already hold <paramref name="changes"/>, else null. What
    /// most bookings need (a returning client): a plain read, without the upsert statement's setup. Its INSERT ... ON
    /// CONFLICT prepares the table's generated columns and indexes on every run, even when it writes nothing.
    /// </summary>
    private Task<ClientRecord?> FindCurrentAsync(long companyId, string email, IReadOnlyDictionary<string, JsonElement> changes, CancellationToken cancellationToken) =>
        currentReads.CallAsync(new CurrentClientQuery(companyId, email, JsonSerializer.Serialize(changes))).WaitAsync(cancellationToken);

    // The reads that queued meanwhile, in one statement: a booking burst costs one round trip and one statement start
    // per group instead of per booking (alone, the read was about a quarter of a booking's CPU on PostgreSQL).
    private async Task FindCurrentGroupAsync(IReadOnlyList<GroupedCall<CurrentClientQuery, ClientRecord?>> group)
    {
        var found = new ClientRecord?[group.Count];
        await using (var batch = dataSource.CreateBatch())
        {
            // Each client by the unique (company, e-mail) index. The company is one of the group's values, so no plan
            // depends on one company's statistics (a single company's read did, see UpsertByEmailAsync).
            batch.BatchCommands.Add(KeyLookupPlans.Settings());
            var read = new NpgsqlBatchCommand(
                """
                SELECT c.id, c.company_id, c.fields::text, c.created_at, c.updated_at, g.i
                FROM unnest($1::bigint[], $2::text[], $3::jsonb[]) WITH ORDINALITY AS g(company_id, email, changes, i)
                JOIN clients c ON c.company_id = g.company_id AND lower(c.email) = lower(g.email) AND c.email <> ''
                    AND c.fields @> g.changes
                """);
            read.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. group.Select(c => c.Request.CompanyId)] });
            read.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. group.Select(c => c.Request.Email)] });
            read.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. group.Select(c => c.Request.Changes)], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            batch.BatchCommands.Add(read);
            await using var reader = await batch.ExecuteReaderAsync(CancellationToken.None);
            await reader.NextResultAsync(CancellationToken.None);
            while (await reader.ReadAsync(CancellationToken.None))
            {
                found[reader.GetInt64(5) - 1] = Read(reader);
            }
        }

        for (var i = 0; i < group.Count; i++)
        {
            group[i].Completion.TrySetResult(found[i]);
        }
    }

    private static bool IsEmailTaken(PostgresException ex) =>
        ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == EmailIndex;

    private async Task<Exception> EmailTakenAsync(long companyId, string email, CancellationToken cancellationToken) =>
        await FindByEmailAsync(companyId, email, cancellationToken) is { } owner
            ? ClientRules.EmailTaken(email, owner.Id)
            : new Contracts.Errors.SaveConflictException($"{ClientField.Email}: {email} is already the e-mail of another client");

    /// <summary>The expression of a filterable text field: a column where there is one, else the JSON value.</summary>
    private static string TextColumn(NpgsqlCommand command, string field) => field switch
    {
        ClientField.Name => "name",
        ClientField.Phone => "phone",
        _ when ClientSchemas.TextFilters.Contains(field) => $"COALESCE(fields->>{Parameter(command, Text(field))}, '')",
        _ => throw new ArgumentException($"{field} is not a client text filter", nameof(field)),
    };

    /// <summary>A LIKE pattern matching <paramref name="text"/> anywhere, its wildcards taken literally.</summary>
    private static string ContainsPattern(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    private static string Parameter(NpgsqlCommand command, NpgsqlParameter parameter)
    {
        command.Parameters.Add(parameter);
        return "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<ClientRecord>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var clients = new List<ClientRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            clients.Add(Read(reader));
        }

        return clients;
    }

    private static ClientRecord Read(NpgsqlDataReader reader)
    {
        using var document = JsonDocument.Parse(reader.GetString(2));
        var fields = ImmutableDictionary.CreateRange(StringComparer.Ordinal,
            document.RootElement.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.Clone())));
        return new ClientRecord(reader.GetInt64(0), reader.GetInt64(1), fields, reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4));
    }

    private static NpgsqlParameter<long> Long(long value) => new() { TypedValue = value };

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value };

    private static NpgsqlParameter<DateTimeOffset> Instant(DateTimeOffset value) => new() { TypedValue = value };

    private static NpgsqlParameter<string> Json(IReadOnlyDictionary<string, JsonElement> values) =>
        new() { TypedValue = JsonSerializer.Serialize(values), NpgsqlDbType = NpgsqlDbType.Jsonb };

    /// <summary>One upsert's read: the company, the e-mail and the changes as a JSON object.</summary>
    private sealed record CurrentClientQuery(long CompanyId, string Email, string Changes);
}
