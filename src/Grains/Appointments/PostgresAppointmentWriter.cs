using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Clients;
using Scheduling.Runtime.Storage;

namespace Scheduling.Grains.Appointments;

/// <summary>
/// Writes <see cref="AppointmentRowChange"/>s into the appointments table (migration 1100) inside the calendar's
/// state-write transaction. Updates and deletes are conditional on the row's version and fail the transaction
/// (SQLSTATE SC409) when they match nothing; the exclusion constraint refuses an overlap (23P01).
/// </summary>
public sealed class PostgresAppointmentWriter : IPostgresAttachmentWriter
{
    private const string Columns =
        "id, company_id, employee_id, location_id, service_id, client_id, start_at, end_at, block_end, status, session_key, timezone_id, version, data, created_at, updated_at";

    private const string Values = "@id, @company, @employee, @location, @service, @client, @start, @end, @block_end, @status, @session, @zone, @version, @data, @created, @updated";

    public Type AttachmentType => typeof(AppointmentRowChange);

    public void AddCommands(IStateWriteAttachment attachment, NpgsqlBatch batch)
    {
        var change = (AppointmentRowChange)attachment;
        NpgsqlBatchCommand command;
        if (change.Delete)
        {
            command = new NpgsqlBatchCommand("""
                WITH deleted AS (DELETE FROM appointments WHERE id = @id AND version = @expected RETURNING id)
                SELECT appointment_row_written((SELECT count(*) FROM deleted), @id, @expected)
                """);
            command.Parameters.Add(Long("id", change.Row.Id));
        }
        else if (change.ExpectedVersion == 0)
        {
            command = new NpgsqlBatchCommand($"INSERT INTO appointments ({Columns}) VALUES ({Values})");
            AddRow(command.Parameters, change.Row);
        }
        else
        {
            // The row may move to another employee (a reschedule across calendars): one UPDATE frees the old time and
            // takes the new in the same statement, under the same exclusion constraint.
            command = new NpgsqlBatchCommand("""
                WITH updated AS (
                    UPDATE appointments SET
                        company_id = @company, employee_id = @employee, location_id = @location, service_id = @service,
                        client_id = @client, start_at = @start, end_at = @end, block_end = @block_end, status = @status,
                        session_key = @session, timezone_id = @zone, version = @version, data = @data, updated_at = @updated
                    WHERE id = @id AND version = @expected
                    RETURNING id)
                SELECT appointment_row_written((SELECT count(*) FROM updated), @id, @expected)
                """);
            AddRow(command.Parameters, change.Row);
        }

        command.Parameters.Add(Long("expected", change.ExpectedVersion));
        batch.BatchCommands.Add(command);
    }

    /// <summary>A new appointment's note on its client: a row other calendars' bookings of that client update too.</summary>
    public IEnumerable<SharedRowCommand> SharedRowCommands(IStateWriteAttachment attachment)
    {
        var change = (AppointmentRowChange)attachment;
        return change is { ExpectedVersion: 0, Delete: false, Row.ClientId: > 0 }
            ? [new SharedRowCommand("clients", change.Row.ClientId, NoteOnClient(change.Row))]
            : [];
    }

    /// <summary>
    /// A new appointment of a client: its provider and start become the client's <c>employee_id</c> and
    /// <c>last_app_date</c> when it starts after the latest one noted (stored as fixed-format UTC text, so text order
    /// is time order). In the booking's transaction: the note never names an appointment that did not commit.
    /// </summary>
    private static NpgsqlBatchCommand NoteOnClient(Appointment row)
    {
        var command = new NpgsqlBatchCommand("""
            UPDATE clients SET fields = fields || jsonb_build_object('employee_id', @employee, 'last_app_date', @last), updated_at = @at
            WHERE id = @client AND company_id = @company AND (last_app_date IS NULL OR last_app_date < @last)
            """);
        command.Parameters.Add(Long("employee", row.EmployeeId));
        command.Parameters.Add(new NpgsqlParameter<string>("last", ClientSchemas.FormatTimestamp(row.Start)));
        command.Parameters.Add(Instant("at", row.CreatedAt));
        command.Parameters.Add(Long("client", row.ClientId));
        command.Parameters.Add(Long("company", row.CompanyId));
        return command;
    }

    private static void AddRow(NpgsqlParameterCollection parameters, Appointment row)
    {
        parameters.Add(Long("id", row.Id));
        parameters.Add(Long("company", row.CompanyId));
        parameters.Add(Long("employee", row.EmployeeId));
        parameters.Add(Long("location", row.LocationId));
        parameters.Add(Long("service", row.ServiceId));
        parameters.Add(Long("client", row.ClientId));
        parameters.Add(Instant("start", row.Start));
        parameters.Add(Instant("end", row.End));
        parameters.Add(Instant("block_end", row.BlockEnd));
        parameters.Add(new NpgsqlParameter<int>("status", row.Status));
        parameters.Add(new NpgsqlParameter<string>("session", row.SessionKey));
        parameters.Add(new NpgsqlParameter<int>("zone", row.TimeZoneId));
        parameters.Add(Long("version", row.Version));
        parameters.Add(new NpgsqlParameter<string>("data", JsonSerializer.Serialize(row.Values)) { NpgsqlDbType = NpgsqlDbType.Jsonb });
        parameters.Add(Instant("created", row.CreatedAt));
        parameters.Add(Instant("updated", row.UpdatedAt));
    }

    private static NpgsqlParameter<long> Long(string name, long value) => new(name, value);

    // timestamptz takes UTC offsets only.
    private static NpgsqlParameter<DateTimeOffset> Instant(string name, DateTimeOffset value) => new(name, value.ToUniversalTime());
}
