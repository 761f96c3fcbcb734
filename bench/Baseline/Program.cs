// The classic design the issue measures us against, on this machine: every booking is one INSERT that the
// exclusion constraint guards (409 when the time is taken), every slot lookup one query for the day's bookings.
// Same working day (08:00-18:00), slot length (30 min) and request shapes as bench/wrk's scenarios.
using System.Text.Json.Serialization;
using Npgsql;
using NpgsqlTypes;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.ConfigureHttpJsonOptions(o =>
{
    o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
    o.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJson.Default);
});
var connectionString = builder.Configuration["ConnectionStrings:Postgres"];
var app = builder.Build();

app.MapGet("/json", () => new Message("Hello, World!"));

await using var dataSource = connectionString is null ? null : NpgsqlDataSource.Create(connectionString);
if (dataSource is not null)
{
    // At most 560 per employee: the 20 half hours of 28 days.
    await CreateSchemaAsync(dataSource, app.Configuration.GetValue("Baseline:Employees", 1000), Math.Min(560, app.Configuration.GetValue("Baseline:Appointments", 200)));

    app.MapPost("/book", async (BookRequest request) =>
    {
        var start = new DateTime(request.Day.ToDateTime(TimeOnly.MinValue).Ticks, DateTimeKind.Utc).AddMinutes(8 * 60 + request.Slot * 30);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO bookings (employee_id, start_at, end_at, client_email) VALUES ($1, $2, $3, $4) RETURNING id");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = request.EmployeeId });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = start });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = start.AddMinutes(30) });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = request.ClientEmail });
        try
        {
            return Results.Ok(new Booked((long)(await command.ExecuteScalarAsync())!));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ExclusionViolation)
        {
            return Results.Conflict(new Message("taken"));
        }
    });

    app.MapGet("/slots", async (long employeeId, DateOnly day) =>
    {
        var open = new DateTime(day.ToDateTime(TimeOnly.MinValue).Ticks, DateTimeKind.Utc).AddHours(8);
        await using var command = dataSource.CreateCommand(
            "SELECT start_at, end_at FROM bookings WHERE employee_id = $1 AND tstzrange(start_at, end_at) && tstzrange($2, $3) ORDER BY start_at");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = employeeId });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = open });
        command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = open.AddHours(10) });
        var taken = new List<(DateTime Start, DateTime End)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                taken.Add((reader.GetDateTime(0), reader.GetDateTime(1)));
            }
        }
        var free = new List<string>();
        for (var slot = open; slot < open.AddHours(10); slot = slot.AddMinutes(30))
        {
            if (!taken.Exists(t => t.Start < slot.AddMinutes(30) && slot < t.End))
            {
                free.Add(slot.ToString("yyyy-MM-dd HH:mm"));
            }
        }
        return new Slots(free);
    });
}

app.Run();

// The bookings table of the classic design: its id, the employee's time under an exclusion constraint, the client.
// Each employee starts with `appointments` bookings over the first 28 days (the availability scenario's load).
static async Task CreateSchemaAsync(NpgsqlDataSource dataSource, int employees, int appointments)
{
    await using var command = dataSource.CreateCommand($"""
        CREATE EXTENSION IF NOT EXISTS btree_gist;
        DROP TABLE IF EXISTS bookings;
        CREATE TABLE bookings (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            employee_id bigint NOT NULL,
            start_at timestamptz NOT NULL,
            end_at timestamptz NOT NULL,
            client_email text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            EXCLUDE USING gist (employee_id WITH =, tstzrange(start_at, end_at) WITH &&));
        INSERT INTO bookings (employee_id, start_at, end_at, client_email)
        SELECT e, s, s + interval '30 minutes', 'seed@bench.example'
        FROM generate_series(1, {employees}) AS e,
             LATERAL (SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                             + (n % 28) * interval '1 day' + interval '8 hours' + (n / 28) * interval '30 minutes' AS s
                      FROM generate_series(0, {appointments} - 1) AS n) AS slots;
        ANALYZE bookings;
        """);
    command.CommandTimeout = 600;
    await command.ExecuteNonQueryAsync();
}

internal sealed record Message(string Text);
internal sealed record Booked(long Id);
internal sealed record Slots(List<string> Free);
internal sealed record BookRequest(long EmployeeId, DateOnly Day, int Slot, string ClientEmail);

[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(Booked))]
[JsonSerializable(typeof(Slots))]
[JsonSerializable(typeof(BookRequest))]
internal sealed partial class BaselineJson : JsonSerializerContext;
