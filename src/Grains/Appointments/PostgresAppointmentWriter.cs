using Npgsql;
using NpgsqlTypes;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Clients;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Appointments;

/// <summary>
/// Writes <see cref="AppointmentRowChange"/>s into the appointments table (migration 1100) inside the calendars' state
/// write transaction: one multi-row statement per kind of change for all the transaction's rows. Updates and deletes
/// are conditional on each row's version and fail the transaction (SQLSTATE SC409, naming the row) when one matches
/// nothing; the exclusion constraint refuses an overlap (23P01).
/// </summary>
public sealed class PostgresAppointmentWriter : IPostgresAttachmentWriter
{
    private const string Columns =
        "id, company_id, employee_id, location_id, service_id, client_id, start_at, end_at, block_end, status, session_key, timezone_id, version, data, created_at, updated_at";

    // The rows as arrays (one element per row) in the order of Columns, named by the same columns; with the version
    // each update expects as a last column.
    private const string Rows =
        """
        unnest(@ids, @companies, @employees, @locations, @services, @clients, @starts, @ends, @block_ends, @statuses,
               @sessions, @zones, @versions, @data, @created, @updated)
            AS r(id, company_id, employee_id, location_id, service_id, client_id, start_at, end_at, block_end, status,
                 session_key, timezone_id, version, data, created_at, updated_at)
        """;

    private const string RowsWithExpected =
        """
        unnest(@ids, @companies, @employees, @locations, @services, @clients, @starts, @ends, @block_ends, @statuses,
               @sessions, @zones, @versions, @data, @created, @updated, @expected)
            AS c(id, company_id, employee_id, location_id, service_id, client_id, start_at, end_at, block_end, status,
                 session_key, timezone_id, version, data, created_at, updated_at, expected)
        """;

    public Type AttachmentType => typeof(AppointmentRowChange);

    /// <summary>One statement per step of <see cref="AppointmentRowChange.Steps"/>.</summary>
    public void AddCommands(IReadOnlyList<IStateWriteAttachment> attachments, NpgsqlBatch batch)
    {
        foreach (var step in AppointmentRowChange.Steps([.. attachments.Cast<AppointmentRowChange>()]))
        {
            AddCommand(batch, step);
        }
    }

    // One statement for changes of one kind (all deletes, all updates or all inserts).
    private static void AddCommand(NpgsqlBatch batch, IReadOnlyList<AppointmentRowChange> changes)
    {
        NpgsqlBatchCommand command;
        if (changes[0].Delete)
        {
            command = new NpgsqlBatchCommand("""
                WITH c AS (SELECT * FROM unnest(@ids, @expected) AS c(id, expected)),
                deleted AS (DELETE FROM appointments AS a USING c WHERE a.id = c.id AND a.version = c.expected RETURNING a.id)
                SELECT appointment_row_written(0, c.id, c.expected) FROM c WHERE NOT EXISTS (SELECT FROM deleted d WHERE d.id = c.id)
                """);
            command.Parameters.AddWithValue("ids", changes.Select(c => c.Row.Id).ToArray());
        }
        else if (changes[0].ExpectedVersion == 0)
        {
            command = new NpgsqlBatchCommand($"INSERT INTO appointments ({Columns}) SELECT {Columns} FROM {Rows}");
            AddRows(command.Parameters, changes);
        }
        else
        {
            // A row may move to another employee (a reschedule across calendars): one UPDATE frees the old time and
            // takes the new in the same statement, under the same exclusion constraint.
            command = new NpgsqlBatchCommand($"""
                WITH c AS (SELECT * FROM {RowsWithExpected}),
                updated AS (
                    UPDATE appointments AS a SET
                        company_id = c.company_id, employee_id = c.employee_id, location_id = c.location_id,
                        service_id = c.service_id, client_id = c.client_id, start_at = c.start_at, end_at = c.end_at,
                        block_end = c.block_end, status = c.status, session_key = c.session_key, timezone_id = c.timezone_id,
                        version = c.version, data = c.data, updated_at = c.updated_at
                    FROM c WHERE a.id = c.id AND a.version = c.expected
                    RETURNING a.id)
                SELECT appointment_row_written(0, c.id, c.expected) FROM c WHERE NOT EXISTS (SELECT FROM updated u WHERE u.id = c.id)
                """);
            AddRows(command.Parameters, changes);
        }

        if (changes[0].ExpectedVersion > 0)
        {
            command.Parameters.AddWithValue("expected", changes.Select(c => c.ExpectedVersion).ToArray());
        }

        batch.BatchCommands.Add(command);
    }

    /// <summary>
    /// The transaction's new appointments noted on their clients: each client's provider and start become its
    /// <c>employee_id</c> and <c>last_app_date</c> when the appointment starts after the latest one noted (stored as
    /// fixed-format UTC text, so text order is time order). One update for all clients; a client booked more than once
    /// gets the latest start (the first of equal ones), as notes made one by one would leave it. In the bookings'
    /// transaction, so a note never names an appointment that did not commit; client rows are shared with other
    /// calendars' bookings, so the storage locks them in id order first.
    /// </summary>
    public SharedRowUpdate? SharedRowUpdate(IReadOnlyList<IStateWriteAttachment> attachments)
    {
        var notes = new Dictionary<long, Appointment>();
        foreach (AppointmentRowChange change in attachments)
        {
            if (change is { ExpectedVersion: 0, Delete: false, Row.ClientId: > 0 }
                && (!notes.TryGetValue(change.Row.ClientId, out var noted) || noted.Start < change.Row.Start))
            {
                notes[change.Row.ClientId] = change.Row;
            }
        }

        if (notes.Count == 0)
        {
            return null;
        }

        var rows = notes.Values.ToList();
        var command = new NpgsqlBatchCommand("""
            UPDATE clients AS c
            SET fields = c.fields || jsonb_build_object('employee_id', n.employee_id, 'last_app_date', n.last_app_date), updated_at = n.at
            FROM unnest(@clients, @companies, @employees, @lasts, @ats) AS n(id, company_id, employee_id, last_app_date, at)
            WHERE c.id = n.id AND c.company_id = n.company_id AND (c.last_app_date IS NULL OR c.last_app_date < n.last_app_date)
            """);
        command.Parameters.AddWithValue("clients", rows.Select(r => r.ClientId).ToArray());
        command.Parameters.AddWithValue("companies", rows.Select(r => r.CompanyId).ToArray());
        command.Parameters.AddWithValue("employees", rows.Select(r => r.EmployeeId).ToArray());
        command.Parameters.AddWithValue("lasts", rows.Select(r => ClientSchemas.FormatTimestamp(r.Start)).ToArray());
        command.Parameters.AddWithValue("ats", rows.Select(r => r.CreatedAt.ToUniversalTime()).ToArray());
        return new SharedRowUpdate("clients", notes.Keys, command);
    }

    private static void AddRows(NpgsqlParameterCollection parameters, IReadOnlyList<AppointmentRowChange> changes)
    {
        var rows = changes.Select(c => c.Row).ToList();
        parameters.AddWithValue("ids", rows.Select(r => r.Id).ToArray());
        parameters.AddWithValue("companies", rows.Select(r => r.CompanyId).ToArray());
        parameters.AddWithValue("employees", rows.Select(r => r.EmployeeId).ToArray());
        parameters.AddWithValue("locations", rows.Select(r => r.LocationId).ToArray());
        parameters.AddWithValue("services", rows.Select(r => r.ServiceId).ToArray());
        parameters.AddWithValue("clients", rows.Select(r => r.ClientId).ToArray());

        // timestamptz takes UTC offsets only.
        parameters.AddWithValue("starts", rows.Select(r => r.Start.ToUniversalTime()).ToArray());
        parameters.AddWithValue("ends", rows.Select(r => r.End.ToUniversalTime()).ToArray());
        parameters.AddWithValue("block_ends", rows.Select(r => r.BlockEnd.ToUniversalTime()).ToArray());
        parameters.AddWithValue("statuses", rows.Select(r => r.Status).ToArray());
        parameters.AddWithValue("sessions", rows.Select(r => r.SessionKey).ToArray());
        parameters.AddWithValue("zones", rows.Select(r => r.TimeZoneId).ToArray());
        parameters.AddWithValue("versions", rows.Select(r => r.Version).ToArray());
        parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Array | NpgsqlDbType.Jsonb)
        {
            Value = rows.Select(r => r.Values.ToJson()).ToArray(),
        });
        parameters.AddWithValue("created", rows.Select(r => r.CreatedAt.ToUniversalTime()).ToArray());
        parameters.AddWithValue("updated", rows.Select(r => r.UpdatedAt.ToUniversalTime()).ToArray());
    }
}
