using System.Collections.Immutable;
using System.Text.Json;
using Npgsql;
using Scheduling.Contracts.Appointments;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Appointments;
using Scheduling.Grains.Clients;
using Scheduling.Grains.Tests.Clients;

namespace Scheduling.Grains.Tests.Appointments;

/// <summary>
/// The contract of the appointments table, run against both storages: rows written through the attachment writers
/// (as a calendar's state write does), refused as the PostgreSQL constraints refuse them, and read back by
/// <see cref="IAppointmentStore"/> alike. Each test works in companies and employees of its own.
/// </summary>
public abstract class AppointmentStoreTests
{
    private static readonly DateTimeOffset Nine = new(2031, 3, 3, 17, 0, 0, TimeSpan.Zero);

    protected abstract IAppointmentStore Store { get; }

    /// <summary>The clients the appointment writes note their bookings on.</summary>
    protected abstract IClientStore Clients { get; }

    /// <summary>Writes row changes as one state write (or a group commit of several) would: in one transaction.</summary>
    protected abstract Task WriteAsync(params AppointmentRowChange[] changes);

    [Fact]
    public async Task ARowIsReadBackWholeAndOnlyByItsCompany()
    {
        var company = NewId();
        var row = Row(company, NewId(), Nine, values: new { client_name = "Ann", note = "hi", paid = true, price = 12.5m });

        await WriteAsync(AppointmentRowChange.Insert(row));
        var read = await Store.GetAsync(company, row.Id, default);

        Assert.NotNull(read);
        Assert.Equal((row.EmployeeId, row.Start, row.End, row.BlockEnd, row.Status, row.SessionKey, row.Version), (read.EmployeeId, read.Start, read.End, read.BlockEnd, read.Status, read.SessionKey, read.Version));
        Assert.Equal((row.CreatedAt, "Ann", 12.5m), (read.CreatedAt, read.Values["client_name"].GetString(), read.Values["price"].GetDecimal()));
        Assert.Null(await Store.GetAsync(NewId(), row.Id, default));
    }

    [Fact]
    public async Task AnOverlappingOccupyingRowIsRefusedUnlessItIsASeatOfTheSameSessionOrCanceled()
    {
        var (company, employee) = (NewId(), NewId());
        await WriteAsync(AppointmentRowChange.Insert(Row(company, employee, Nine, session: "g:5:1")));

        var overlap = await Assert.ThrowsAnyAsync<Exception>(() => WriteAsync(AppointmentRowChange.Insert(Row(company, employee, Nine.AddMinutes(30)))));
        await WriteAsync(AppointmentRowChange.Insert(Row(company, employee, Nine, session: "g:5:1")));
        await WriteAsync(AppointmentRowChange.Insert(Row(company, employee, Nine.AddMinutes(30), status: AppointmentStatus.Canceled)));
        await WriteAsync(AppointmentRowChange.Insert(Row(company, employee, Nine.AddHours(1))));
        await WriteAsync(AppointmentRowChange.Insert(Row(company, NewId(), Nine)));

        Assert.True(AppointmentWriteFailures.IsOverlap(overlap), overlap.ToString());
        Assert.Equal(3, (await Store.OccupyingAsync(employee, Nine.AddDays(-1), DateTimeOffset.MaxValue, default)).Count);
    }

    [Fact]
    public async Task AWriteExpectingAnotherVersionIsRefusedAsChanged()
    {
        var company = NewId();
        var row = Row(company, NewId(), Nine);
        await WriteAsync(AppointmentRowChange.Insert(row));

        var again = await Assert.ThrowsAnyAsync<Exception>(() => WriteAsync(AppointmentRowChange.Insert(row)));
        var stale = await Assert.ThrowsAnyAsync<Exception>(() => WriteAsync(AppointmentRowChange.Update(row with { Version = 3 }, expectedVersion: 2)));
        var staleDelete = await Assert.ThrowsAnyAsync<Exception>(() => WriteAsync(AppointmentRowChange.Remove(row with { Version = 2 })));
        await WriteAsync(AppointmentRowChange.Update(row with { Version = 2, Status = AppointmentStatus.Confirmed }, expectedVersion: 1));

        Assert.All(new[] { again, stale, staleDelete }, e => Assert.True(AppointmentWriteFailures.IsRowChanged(e), e.ToString()));
        Assert.Equal((2L, 2), ((await Store.GetAsync(company, row.Id, default))!.Version, (await Store.GetAsync(company, row.Id, default))!.Status));
    }

    [Fact]
    public async Task ManyChangesInOneTransactionApplyTogetherOrNotAtAll()
    {
        var (company, ann, bob) = (NewId(), NewId(), NewId());
        var (a, b, c) = (Row(company, ann, Nine), Row(company, ann, Nine.AddHours(1)), Row(company, bob, Nine));
        await WriteAsync(AppointmentRowChange.Insert(a), AppointmentRowChange.Insert(b), AppointmentRowChange.Insert(c));

        // A moves, B goes, C is confirmed and D is new: what a group commit of several calendars' writes carries.
        var d = Row(company, bob, Nine.AddHours(3));
        var movedA = a with { Start = Nine.AddHours(5), End = Nine.AddHours(6), BlockEnd = Nine.AddHours(6), Version = 2 };
        await WriteAsync(
            AppointmentRowChange.Update(movedA, 1),
            AppointmentRowChange.Remove(b),
            AppointmentRowChange.Update(c with { Version = 2, Status = AppointmentStatus.Confirmed }, 1),
            AppointmentRowChange.Insert(d));

        // A stale change takes the rest of its transaction with it, and the refusal names the row.
        var e = Row(company, bob, Nine.AddHours(7));
        var stale = await Assert.ThrowsAnyAsync<Exception>(() => WriteAsync(
            AppointmentRowChange.Insert(e),
            AppointmentRowChange.Update(c with { Version = 3 }, 1)));

        Assert.True(AppointmentWriteFailures.IsRowChanged(stale), stale.ToString());
        Assert.Contains(c.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), stale.Message, StringComparison.Ordinal);
        Assert.Null(await Store.GetAsync(company, e.Id, default));
        Assert.Null(await Store.GetAsync(company, b.Id, default));
        Assert.Equal((Nine.AddHours(5), 2L), ((await Store.GetAsync(company, a.Id, default))!.Start, (await Store.GetAsync(company, a.Id, default))!.Version));
        Assert.Equal((AppointmentStatus.Confirmed, 2L), ((await Store.GetAsync(company, c.Id, default))!.Status, (await Store.GetAsync(company, c.Id, default))!.Version));
        Assert.Equal([c.Id, d.Id], (await Store.OccupyingAsync(bob, Nine.AddDays(-1), DateTimeOffset.MaxValue, default)).Select(r => r.Id));
    }

    [Fact]
    public async Task InOneTransactionTimeIsFreedBeforeItIsTakenAndNewRowsAreJudgedAgainstEachOther()
    {
        var (company, ann) = (NewId(), NewId());
        var old = Row(company, ann, Nine);
        await WriteAsync(AppointmentRowChange.Insert(old));

        // Deletes run before inserts, whatever order the write lists them in: the new row may take the freed time.
        var taker = Row(company, ann, Nine.AddMinutes(30));
        await WriteAsync(AppointmentRowChange.Insert(taker), AppointmentRowChange.Remove(old));

        // Two new rows of one write that overlap each other are refused together; a seat of one session is not.
        var (first, second) = (Row(company, ann, Nine.AddHours(4)), Row(company, ann, Nine.AddHours(4).AddMinutes(30)));
        var overlap = await Assert.ThrowsAnyAsync<Exception>(() => WriteAsync(AppointmentRowChange.Insert(first), AppointmentRowChange.Insert(second)));
        var (seat1, seat2) = (Row(company, ann, Nine.AddHours(6), session: "g:7:1"), Row(company, ann, Nine.AddHours(6), session: "g:7:1"));
        await WriteAsync(AppointmentRowChange.Insert(seat1), AppointmentRowChange.Insert(seat2));

        Assert.True(AppointmentWriteFailures.IsOverlap(overlap), overlap.ToString());
        Assert.Null(await Store.GetAsync(company, first.Id, default));
        Assert.Equal(new[] { taker.Id, seat1.Id, seat2.Id }.Order(), (await Store.OccupyingAsync(ann, Nine.AddDays(-1), DateTimeOffset.MaxValue, default)).Select(r => r.Id).Order());
    }

    [Fact]
    public async Task NewAppointmentsNoteTheirClientsLatestStartAndProviderAsIfNotedOneByOne()
    {
        var (company, ann, bob) = (NewId(), NewId(), NewId());
        var client = await Clients.CreateAsync(company, Fields(new { email = "noted@example.test", name = "Noted" }), default);
        var other = await Clients.CreateAsync(company, Fields(new { email = "other@example.test", name = "Other" }), default);

        // Three bookings of one client and one of another in one transaction: the latest start wins (bob's, at 12:00),
        // whatever the order; a cancellation (an update) notes nothing.
        var late = Row(company, bob, Nine.AddHours(3), client: client.Id);
        await WriteAsync(
            AppointmentRowChange.Insert(Row(company, ann, Nine, client: client.Id)),
            AppointmentRowChange.Insert(late),
            AppointmentRowChange.Insert(Row(company, ann, Nine.AddHours(1), client: client.Id)),
            AppointmentRowChange.Insert(Row(company, ann, Nine.AddHours(2), client: other.Id)));
        await WriteAsync(AppointmentRowChange.Update(late with { Version = 2, Status = AppointmentStatus.Canceled }, 1));

        // An earlier booking made later leaves the note alone.
        await WriteAsync(AppointmentRowChange.Insert(Row(company, ann, Nine.AddHours(-5), client: client.Id)));

        var noted = (await Clients.GetAsync(company, client.Id, default))!.Fields;
        Assert.Equal((bob, "2031-03-03T20:00:00Z"), (noted["employee_id"].GetInt64(), noted["last_app_date"].GetString()));
        Assert.Equal(ann, (await Clients.GetAsync(company, other.Id, default))!.Fields["employee_id"].GetInt64());
    }

    private static ImmutableDictionary<string, JsonElement> Fields(object values) =>
        JsonSerializer.SerializeToElement(values).EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.Clone());

    [Fact]
    public async Task AMoveToAnotherEmployeeTakesTheNewTimeAndFreesTheOldInOneWrite()
    {
        var (company, ann, bob) = (NewId(), NewId(), NewId());
        var row = Row(company, ann, Nine);
        await WriteAsync(AppointmentRowChange.Insert(row));
        await WriteAsync(AppointmentRowChange.Insert(Row(company, bob, Nine.AddHours(2))));

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => WriteAsync(AppointmentRowChange.Update(row with { EmployeeId = bob, Start = Nine.AddHours(2), End = Nine.AddHours(3), BlockEnd = Nine.AddHours(3), Version = 2 }, 1)));
        await WriteAsync(AppointmentRowChange.Update(row with { EmployeeId = bob, Version = 2 }, 1));

        Assert.True(AppointmentWriteFailures.IsOverlap(refused), refused.ToString());
        Assert.Empty(await Store.OccupyingAsync(ann, Nine.AddDays(-1), DateTimeOffset.MaxValue, default));
        Assert.Equal(2, (await Store.OccupyingAsync(bob, Nine.AddDays(-1), DateTimeOffset.MaxValue, default)).Count);
    }

    [Fact]
    public async Task OccupyingListsTheEmployeesActiveRowsThatEndAfterTheGivenTimeByStart()
    {
        var (company, employee) = (NewId(), NewId());
        var late = Row(company, employee, Nine.AddHours(3));
        var early = Row(company, employee, Nine);
        await WriteAsync(AppointmentRowChange.Insert(late));
        await WriteAsync(AppointmentRowChange.Insert(early));
        await WriteAsync(AppointmentRowChange.Insert(Row(company, employee, Nine.AddHours(5), status: AppointmentStatus.Canceled)));
        await WriteAsync(AppointmentRowChange.Insert(Row(company, employee, Nine.AddDays(-3))));
        var deleted = Row(company, employee, Nine.AddHours(7));
        await WriteAsync(AppointmentRowChange.Insert(deleted));
        await WriteAsync(AppointmentRowChange.Remove(deleted));

        var occupying = await Store.OccupyingAsync(employee, Nine.AddDays(-1), DateTimeOffset.MaxValue, default);

        Assert.Equal([early.Id, late.Id], occupying.Select(a => a.Id));
    }

    [Fact]
    public async Task OccupyingInAWindowListsTheRowsWhoseBlockedTimeOverlapsItAndFollowsChanges()
    {
        var (company, employee) = (NewId(), NewId());
        // Seats of one session, so the long row may overlap the 9:00 one.
        var nine = Row(company, employee, Nine, session: "g:5:1");
        var longOne = Row(company, employee, Nine.AddHours(-3), session: "g:5:1") with { End = Nine.AddHours(3), BlockEnd = Nine.AddHours(3) };
        var one = Row(company, employee, Nine.AddHours(4));
        await WriteAsync(AppointmentRowChange.Insert(nine));
        await WriteAsync(AppointmentRowChange.Insert(one));
        await WriteAsync(AppointmentRowChange.Insert(longOne with { EmployeeId = NewId() }));
        await WriteAsync(AppointmentRowChange.Update(longOne with { Version = 2 }, expectedVersion: 1));

        async Task<long[]> InWindow(DateTimeOffset from, DateTimeOffset until) =>
            [.. (await Store.OccupyingAsync(employee, from, until, default)).Select(a => a.Id)];

        Assert.Equal([longOne.Id, nine.Id], await InWindow(Nine.AddMinutes(30), Nine.AddMinutes(75)));
        Assert.Equal([longOne.Id], await InWindow(Nine.AddHours(1), Nine.AddHours(4)));
        Assert.Equal([one.Id], await InWindow(Nine.AddHours(3), Nine.AddHours(5)));

        // Canceled, the row frees its time; moved, it is found at its new time only.
        await WriteAsync(AppointmentRowChange.Update(nine with { Version = 2, Status = AppointmentStatus.Canceled }, expectedVersion: 1));
        await WriteAsync(AppointmentRowChange.Update(one with { Version = 2, Start = Nine.AddHours(6), End = Nine.AddHours(7), BlockEnd = Nine.AddHours(7) }, expectedVersion: 1));
        Assert.Equal([longOne.Id], await InWindow(Nine.AddMinutes(30), Nine.AddMinutes(75)));
        Assert.Empty(await InWindow(Nine.AddHours(3), Nine.AddHours(5)));
        Assert.Equal([one.Id], await InWindow(Nine.AddHours(6).AddMinutes(59), Nine.AddHours(8)));
    }

    [Fact]
    public async Task TheListFiltersAndOrdersAsAsked()
    {
        var (company, ann, bob) = (NewId(), NewId(), NewId());
        var a = Row(company, ann, Nine, values: new { client_name = "Ann Lee", client_email = "ann@example.test", note = "ramp", paid = true, custom_fields = new Dictionary<string, object> { ["7"] = new object[] { "Dark Blue", "Colour" } } }, created: Nine.AddDays(-2));
        var b = Row(company, ann, Nine.AddHours(2), status: AppointmentStatus.Confirmed, values: new { client_name = "Bo Brown", client_email = "bo@example.test", client_phone = "555-0199", custom_fields = new Dictionary<string, object> { ["7"] = new object[] { "red", "Colour" }, ["8"] = new object[] { new[] { "1 Main St", "", "Springfield" }, "Address" } } }, created: Nine.AddDays(-3));
        var c = Row(company, bob, Nine.AddDays(1), location: 2, service: 3, client: 4, values: new { client_name = "Cy", client_email = "cy@example.test" }, created: Nine.AddDays(-1));
        foreach (var row in new[] { a, b, c })
        {
            await WriteAsync(AppointmentRowChange.Insert(row));
        }

        await WriteAsync(AppointmentRowChange.Insert(Row(NewId(), ann, Nine.AddHours(4), values: new { client_name = "Other company" })));

        async Task<long[]> Ids(AppointmentQuery query) => [.. (await Store.ListAsync(company, query, default)).Select(r => r.Id)];

        Assert.Equal([a.Id, b.Id, c.Id], await Ids(new()));
        Assert.Equal([c.Id, b.Id, a.Id], await Ids(new() { Descending = true }));
        Assert.Equal([b.Id, a.Id, c.Id], await Ids(new() { SortBy = AppointmentSort.Created }));
        Assert.Equal([b.Id], await Ids(new() { Skip = 1, Take = 1 }));
        Assert.Equal([a.Id, b.Id], await Ids(new() { EmployeeId = ann }));
        Assert.Equal([c.Id], await Ids(new() { LocationId = 2, ServiceId = 3, ClientId = 4 }));
        Assert.Equal([b.Id], await Ids(new() { Statuses = [AppointmentStatus.Confirmed] }));
        Assert.Equal([b.Id], await Ids(new() { StartFrom = Nine.AddHours(1), StartBefore = Nine.AddDays(1) }));
        Assert.Equal([a.Id, b.Id], await Ids(new() { CreatedAfter = Nine.AddDays(-3), CreatedBefore = Nine.AddDays(-1) }));
        Assert.Equal([b.Id], await Ids(new() { SearchText = "BO 0199" }));
        Assert.Equal([a.Id], await Ids(new() { SearchText = "ramp" }));
        Assert.Empty(await Ids(new() { SearchText = "lee ramp zzz" }));
        Assert.Equal([b.Id], await Ids(new() { ClientName = "brown" }));
        Assert.Equal([c.Id], await Ids(new() { ClientEmail = " CY@example.test" }));
        Assert.Equal([a.Id], await Ids(new() { Paid = true }));
        Assert.Equal([b.Id, c.Id], await Ids(new() { Paid = false }));
        Assert.Equal([b.Id], await Ids(new() { CustomFields = new CustomFieldSearch(["custom_field_7"], "RED", Exact: true, MatchAll: true) }));
        Assert.Equal([a.Id], await Ids(new() { CustomFields = new CustomFieldSearch(["7"], "blue", Exact: false, MatchAll: true) }));
        Assert.Equal([b.Id], await Ids(new() { CustomFields = new CustomFieldSearch(["8"], "springfield", Exact: true, MatchAll: true) }));
        Assert.Empty(await Ids(new() { CustomFields = new CustomFieldSearch(["7", "8"], "red", Exact: true, MatchAll: true) }));
        Assert.Equal([b.Id], await Ids(new() { CustomFields = new CustomFieldSearch(["7", "8"], "red", Exact: true, MatchAll: false) }));
        Assert.Equal(2, await Store.CountAsync(company, new() { EmployeeId = ann, Take = 1 }, default));
    }

    [Fact]
    public async Task UpcomingCountsOccupyingRowsOfTheCompanyByEmployeeLocationOrServiceThatEndAfterTheTime()
    {
        var (company, ann, bob) = (NewId(), NewId(), NewId());
        await WriteAsync(AppointmentRowChange.Insert(Row(company, ann, Nine, location: 2, service: 3)));
        await WriteAsync(AppointmentRowChange.Insert(Row(company, ann, Nine.AddHours(2), location: 2, service: 4)));
        await WriteAsync(AppointmentRowChange.Insert(Row(company, bob, Nine, location: 5, service: 3, status: AppointmentStatus.Canceled)));
        await WriteAsync(AppointmentRowChange.Insert(Row(company, bob, Nine.AddHours(2), location: 0, service: 0, status: AppointmentStatus.BusyExternal)));
        await WriteAsync(AppointmentRowChange.Insert(Row(NewId(), ann, Nine.AddHours(4), location: 2, service: 3)));

        Task<long> Count(AppointmentOwner owner, long id, DateTimeOffset since) => Store.CountUpcomingAsync(company, owner, id, since, default);

        Assert.Equal(2, await Count(AppointmentOwner.Employee, ann, Nine));
        Assert.Equal(1, await Count(AppointmentOwner.Employee, ann, Nine.AddHours(1)));
        Assert.Equal(0, await Count(AppointmentOwner.Employee, ann, Nine.AddHours(3)));
        Assert.Equal(2, await Count(AppointmentOwner.Location, 2, Nine.AddMinutes(59)));
        Assert.Equal(1, await Count(AppointmentOwner.Service, 3, Nine));
        Assert.Equal(0, await Count(AppointmentOwner.Location, 5, Nine));
        Assert.Equal(0, await Count(AppointmentOwner.Employee, bob, Nine));
    }

    [Fact]
    public async Task TheDeprecatedFiltersMatchEachCustomFieldsWholeAnswerAndTheEwsId()
    {
        var company = NewId();
        var a = Row(company, NewId(), Nine, values: new { ews_id = "AAMk-1", custom_fields = new Dictionary<string, object> { ["1"] = new object[] { "Blue", "Colour" }, ["2"] = new object[] { "Large", "Size" } } });
        var b = Row(company, NewId(), Nine, values: new { custom_fields = new Dictionary<string, object> { ["1"] = new object[] { "red", "Colour" }, ["2"] = new object[] { "Large", "Size" } } });
        await WriteAsync(AppointmentRowChange.Insert(a));
        await WriteAsync(AppointmentRowChange.Insert(b));

        async Task<long[]> Ids(AppointmentQuery query) => [.. (await Store.ListAsync(company, query, default)).Select(r => r.Id).Order()];
        static CustomFieldSearch Whole(string field, string text) => new([field], text, Exact: true, MatchAll: true);

        Assert.Equal([b.Id], await Ids(new() { CustomFieldValues = [Whole("custom_field_1", "RED")] }));
        Assert.Equal(new[] { a.Id, b.Id }.Order(), await Ids(new() { CustomFieldValues = [Whole("custom_field_2", "large")] }));
        Assert.Equal([a.Id], await Ids(new() { CustomFieldValues = [Whole("custom_field_1", "blue"), Whole("custom_field_2", "large")] }));
        Assert.Empty(await Ids(new() { CustomFieldValues = [Whole("custom_field_1", "red")], CustomFields = Whole("2", "small") }));
        Assert.Equal([a.Id], await Ids(new() { EwsId = "aamk-1" }));
    }

    private static long NewId() => Random.Shared.NextInt64(1_000_000, long.MaxValue);

    private static Appointment Row(
        long company, long employee, DateTimeOffset start, int status = AppointmentStatus.Unconfirmed, string? session = null,
        object? values = null, DateTimeOffset? created = null, long location = 1, long service = 1, long client = 1)
    {
        var id = NewId();
        return new Appointment
        {
            Id = id,
            CompanyId = company,
            EmployeeId = employee,
            LocationId = location,
            ServiceId = service,
            ClientId = client,
            Start = start,
            End = start.AddHours(1),
            BlockEnd = start.AddHours(1),
            Status = status,
            SessionKey = session ?? $"a:{id}",
            TimeZoneId = 553,
            Version = 1,
            Values = values is null ? FieldMap.Empty : FieldMap.Parse(JsonSerializer.Serialize(values)),
            CreatedAt = created ?? Nine.AddDays(-10),
            UpdatedAt = created ?? Nine.AddDays(-10),
        };
    }
}

public sealed class MemoryAppointmentStoreTests : AppointmentStoreTests
{
    private readonly MemoryClientStore _clients = new(new Scheduling.Grains.Storage.Memory.MemoryIdGenerator(), TimeProvider.System);
    private readonly MemoryAppointmentTable _table;

    public MemoryAppointmentStoreTests() => _table = new MemoryAppointmentTable(_clients);

    protected override IAppointmentStore Store => _table;

    protected override IClientStore Clients => _clients;

    // As the memory store applies a write's attachments: all checked first, then all applied.
    protected override Task WriteAsync(params AppointmentRowChange[] changes)
    {
        _table.Validate(changes);
        _table.Apply(changes);
        return Task.CompletedTask;
    }
}

public sealed class PostgresAppointmentStoreTests(PostgresClientsDatabase database) : AppointmentStoreTests, IClassFixture<PostgresClientsDatabase>
{
    protected override IAppointmentStore Store => new PostgresAppointmentStore(database.DataSource);

    protected override IClientStore Clients => new PostgresClientStore(database.DataSource, database.Ids, TimeProvider.System);

    protected override async Task WriteAsync(params AppointmentRowChange[] changes)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, transaction);
        var writer = new PostgresAppointmentWriter();
        writer.AddCommands(changes, batch);
        if (writer.SharedRowUpdate(changes) is { } notes)
        {
            batch.BatchCommands.Add(notes.Command);
        }

        await batch.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
}
