using System.Text;
using Npgsql;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Records;

namespace Scheduling.Grains.Appointments;

/// <summary>Reads of the appointments table (migration 1100), answering as <see cref="MemoryAppointmentTable"/> does.</summary>
public sealed class PostgresAppointmentStore(NpgsqlDataSource dataSource) : IAppointmentStore
{
    private const string Columns =
        "id, company_id, employee_id, location_id, service_id, client_id, start_at, end_at, block_end, status, session_key, timezone_id, version, data::text, created_at, updated_at";

    public async Task<Appointment?> GetAsync(long companyId, long appointmentId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM appointments WHERE id = $1 AND company_id = $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = appointmentId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = companyId });
        return (await ReadAllAsync(command, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<Appointment>> ListAsync(long companyId, AppointmentQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        var where = Where(command, companyId, query);
        var key = query.SortBy == AppointmentSort.Created ? "created_at" : "start_at";
        var direction = query.Descending ? "DESC" : "ASC";
        command.CommandText = $"SELECT {Columns} FROM appointments WHERE {where} ORDER BY {key} {direction}, id {direction} OFFSET {Add(command, (long)query.Skip)} LIMIT {Add(command, (long)query.Take)}";
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<long> CountAsync(long companyId, AppointmentQuery query, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM appointments WHERE {Where(command, companyId, query)}";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlyList<Appointment>> OccupyingAsync(long employeeId, DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        // A bounded window is the exclusion constraint's own question (employee =, range &&): its GiST index answers it.
        await using var command = dataSource.CreateCommand(until == DateTimeOffset.MaxValue
            ? $"SELECT {Columns} FROM appointments WHERE employee_id = $1 AND status <> 3 AND block_end > $2 ORDER BY start_at, id"
            : $"SELECT {Columns} FROM appointments WHERE employee_id = $1 AND status <> 3 AND tstzrange(start_at, block_end) && tstzrange($2, $3) ORDER BY start_at, id");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = employeeId });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from.ToUniversalTime() });
        if (until != DateTimeOffset.MaxValue)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = until.ToUniversalTime() });
        }

        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<long> CountUpcomingAsync(long companyId, AppointmentOwner owner, long ownerId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        // The column is one of three constants, never input; the (company_id, <column>, start_at) indexes serve the lookup.
        var column = owner switch
        {
            AppointmentOwner.Employee => "employee_id",
            AppointmentOwner.Location => "location_id",
            _ => "service_id",
        };
        await using var command = dataSource.CreateCommand(
            $"SELECT count(*) FROM appointments WHERE company_id = $1 AND {column} = $2 AND status <> ALL($3) AND block_end > $4");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = companyId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = ownerId });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [AppointmentStatus.Canceled, AppointmentStatus.BusyExternal, AppointmentStatus.BusyIntegration] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = since.ToUniversalTime() });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    // The WHERE clause of a query, its values as positional parameters of the command.
    private static string Where(NpgsqlCommand command, long companyId, AppointmentQuery query)
    {
        var where = new StringBuilder($"company_id = {Add(command, companyId)}");
        void Equal(string column, long? value)
        {
            if (value is { } v)
            {
                where.Append($" AND {column} = {Add(command, v)}");
            }
        }

        void Range(string column, DateTimeOffset? from, DateTimeOffset? before)
        {
            if (from is { } f)
            {
                where.Append($" AND {column} >= {Add(command, f.ToUniversalTime())}");
            }

            if (before is { } b)
            {
                where.Append($" AND {column} < {Add(command, b.ToUniversalTime())}");
            }
        }

        Equal("id", query.Id);
        Equal("employee_id", query.EmployeeId);
        Equal("location_id", query.LocationId);
        Equal("service_id", query.ServiceId);
        Equal("client_id", query.ClientId);
        if (!query.Statuses.IsDefaultOrEmpty)
        {
            where.Append($" AND status = ANY({Add(command, query.Statuses.ToArray())})");
        }

        Range("start_at", query.StartFrom, query.StartBefore);
        Range("updated_at", query.UpdatedAfter, query.UpdatedBefore);
        Range("created_at", query.CreatedAfter, query.CreatedBefore);
        if (query.Paid is { } paid)
        {
            where.Append($" AND COALESCE((data->>'paid')::boolean, false) = {Add(command, paid)}");
        }

        if (query.ClientEmail is { } email)
        {
            where.Append($" AND lower(data->>'client_email') = lower({Add(command, email.Trim())})");
        }

        if (query.ClientName is { } name)
        {
            where.Append($" AND strpos(lower(COALESCE(data->>'client_name', '')), lower({Add(command, name)})) > 0");
        }

        if (query.SearchText is { } search)
        {
            const string haystack =
                "lower(concat_ws(E'\\n', COALESCE(data->>'client_name', ''), COALESCE(data->>'client_email', ''), COALESCE(data->>'client_phone', ''), COALESCE(data->>'note', '')))";
            foreach (var term in AppointmentFilter.SearchTerms(search))
            {
                where.Append($" AND strpos({haystack}, lower({Add(command, term)})) > 0");
            }
        }

        if (query.EwsId is { } ews)
        {
            where.Append($" AND lower(COALESCE(data->>'ews_id', '')) = lower({Add(command, ews)})");
        }

        var customSearches = query.CustomFieldValues.IsDefault ? [] : query.CustomFieldValues;
        if (query.CustomFields is { } cfSearch)
        {
            customSearches = customSearches.Insert(0, cfSearch);
        }

        foreach (var custom in customSearches)
        {
            var text = Add(command, custom.Text);
            var match = custom.Exact ? $"lower(part) = lower({text})" : $"strpos(lower(part), lower({text})) > 0";
            var tests = custom.FieldIds.Select(fieldId =>
            {
                // The answer's VALUE: text, or a list of texts (address, multi-select); a list matches when one part does.
                var value = $"(data->'custom_fields'->{Add(command, AppointmentFilter.FieldKey(fieldId))}->0)";
                return $"EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE jsonb_typeof({value}) WHEN 'array' THEN {value} WHEN 'string' THEN jsonb_build_array({value}) ELSE '[]'::jsonb END) AS part WHERE {match})";
            });
            where.Append($" AND ({string.Join(custom.MatchAll ? " AND " : " OR ", tests)})");
        }

        return where.ToString();
    }

    private static string Add<T>(NpgsqlCommand command, T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return "$" + command.Parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<Appointment>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<Appointment>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new Appointment
            {
                Id = reader.GetInt64(0),
                CompanyId = reader.GetInt64(1),
                EmployeeId = reader.GetInt64(2),
                LocationId = reader.GetInt64(3),
                ServiceId = reader.GetInt64(4),
                ClientId = reader.GetInt64(5),
                Start = reader.GetFieldValue<DateTimeOffset>(6),
                End = reader.GetFieldValue<DateTimeOffset>(7),
                BlockEnd = reader.GetFieldValue<DateTimeOffset>(8),
                Status = reader.GetInt32(9),
                SessionKey = reader.GetString(10),
                TimeZoneId = reader.GetInt32(11),
                Version = reader.GetInt64(12),
                Values = FieldMap.Parse(reader.GetString(13)),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(14),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(15),
            });
        }

        return rows;
    }
}
