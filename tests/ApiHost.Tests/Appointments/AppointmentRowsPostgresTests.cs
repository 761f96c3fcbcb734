using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scheduling.ApiHost.Tests.Harness;
using Scheduling.Grains.Storage;

namespace Scheduling.ApiHost.Tests.Appointments;

/// <summary>
/// What PostgreSQL itself guarantees about appointment rows (DESIGN §5), checked behind the grains' back, and that a
/// calendar starting afresh (a restart, another silo) loads its booked time from the rows.
/// </summary>
public sealed class AppointmentRowsPostgresTests(PostgresApiStorage storage) : ApiTestBase<PostgresApiStorage>(storage)
{
    [Fact]
    public async Task TheExclusionConstraintRefusesAnOverlappingRowWrittenBehindTheCalendarsBack()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        var booked = await tenant.BookIdAsync(shop.Booking("10:00"));
        var data = Factory.Services.GetRequiredService<NpgsqlDataSource>();

        var overlap = await Assert.ThrowsAsync<PostgresException>(() => InsertAsync(data, tenant.CompanyId, shop.Employee, "10:30", status: 1, session: "a:1"));
        await InsertAsync(data, tenant.CompanyId, shop.Employee, "10:30", status: 3, session: "a:2");
        await InsertAsync(data, tenant.CompanyId, shop.Employee, "11:00", status: 1, session: "a:3");
        await InsertAsync(data, tenant.CompanyId, shop.Employee + 1, "10:00", status: 1, session: "a:4");

        Assert.Equal("23P01", overlap.SqlState);
        Assert.Equal("appointments_no_overlap", overlap.ConstraintName);
        Assert.True(booked > 0);
    }

    [Fact]
    public async Task ARowTheCalendarDidNotKnowMakesItsWriteFailAsOccupiedAndItReloads()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        await tenant.BookIdAsync(shop.Booking("10:00"));
        var data = Factory.Services.GetRequiredService<NpgsqlDataSource>();
        await InsertAsync(data, tenant.CompanyId, shop.Employee, "13:00", status: 1, session: "a:behind-the-back");

        var refusedByTheDatabase = await tenant.BookAsync(shop.Booking("13:00", email: "bo@example.test"));
        var refusedAfterReload = await tenant.BookAsync(shop.Booking("13:00", email: "bo@example.test"));
        var free = await tenant.BookAsync(shop.Booking("14:00", email: "bo@example.test"));

        Assert.Equal((409, 10), refusedByTheDatabase.Status());
        Assert.Equal((409, 10), refusedAfterReload.Status());
        Assert.Equal((200, 0), free.Status());
    }

    [Fact]
    public async Task SeatsOfOneGroupSessionMayOverlapButNothingElseMay()
    {
        var tenant = await SignUpAsync();
        var data = Factory.Services.GetRequiredService<NpgsqlDataSource>();
        const long employee = 42_000_001;

        await InsertAsync(data, tenant.CompanyId, employee, "10:00", status: 1, session: "g:7:1");
        await InsertAsync(data, tenant.CompanyId, employee, "10:00", status: 2, session: "g:7:1");
        var otherSession = await Assert.ThrowsAsync<PostgresException>(() => InsertAsync(data, tenant.CompanyId, employee, "10:00", status: 1, session: "g:8:1"));

        Assert.Equal("23P01", otherSession.SqlState);
    }

    [Fact]
    public async Task ACalendarActivatedAfterARestartKnowsItsBookedTimeFromTheRows()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        await tenant.BookIdAsync(shop.Booking("10:00"));

        await using var restarted = Storage.CreateFactory();
        var client = restarted.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.SessionToken);
        var again = await Envelope.ReadAsync(await client.PostAsync("/api/v2/appointment", System.Net.Http.Json.JsonContent.Create(shop.Booking("10:00", email: "bo@example.test"))));
        var next = await Envelope.ReadAsync(await client.PostAsync("/api/v2/appointment", System.Net.Http.Json.JsonContent.Create(shop.Booking("11:00", email: "bo@example.test"))));

        Assert.Equal((409, 10), again.Status());
        Assert.Equal((200, 0), next.Status());
    }

    [Fact]
    public async Task TwoSilosBookingOneTimeConcurrentlyLetExactlyOneThrough()
    {
        var tenant = await SignUpAsync();
        var shop = await tenant.OpenShopAsync();
        await using var otherSilo = Storage.CreateFactory();
        var other = otherSilo.CreateClient();
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.SessionToken);

        // Both silos activate the calendar first, so each holds its own copy of the (empty) booked time.
        Assert.Equal(0, (await tenant.GetAsync($"/api/v2/employee/{shop.Employee}")).StatusCode);
        Assert.Equal(0, (await Envelope.ReadAsync(await other.GetAsync($"/api/v2/employee/{shop.Employee}"))).StatusCode);
        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(async i =>
        {
            var body = System.Net.Http.Json.JsonContent.Create(shop.Booking("10:00", email: $"c{i}@example.test"));
            return await Envelope.ReadAsync(await (i % 2 == 0 ? tenant.Client : other).PostAsync("/api/v2/appointment", body));
        }));

        Assert.Single(results, r => r.StatusCode == 0);
        Assert.All(results.Where(r => r.StatusCode != 0), r => Assert.Equal((409, 10), r.Status()));
        Assert.Single((await tenant.GetAsync($"/api/v2/appointment?employee_id={shop.Employee}")).Data.EnumerateArray());
    }

    private async Task InsertAsync(NpgsqlDataSource data, long companyId, long employeeId, string time, int status, string session)
    {
        await using var command = data.CreateCommand("""
            INSERT INTO appointments (id, company_id, employee_id, location_id, service_id, client_id, start_at, end_at, block_end,
                                      status, session_key, timezone_id, version, data, created_at, updated_at)
            VALUES ($6, $1, $2, 1, 1, 1, $3::timestamptz, $3::timestamptz + interval '1 hour',
                    $3::timestamptz + interval '1 hour', $4, $5, 553, 1, '{}', now(), now())
            """);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = companyId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = employeeId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{BookingTestData.Day} {time}:00-08" });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = status });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = session });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = await Factory.Services.GetRequiredService<IIdGenerator>().NextIdAsync() });
        await command.ExecuteNonQueryAsync();
    }
}
