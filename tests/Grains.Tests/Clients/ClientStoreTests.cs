using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Clients;
using Scheduling.Contracts.Errors;
using Scheduling.Grains.Clients;
using Scheduling.TestSupport;

namespace Scheduling.Grains.Tests.Clients;

/// <summary>
/// The contract of <see cref="IClientStore"/>, run against every implementation: the booking code and the API
/// rely on both storages answering alike. Each test works in companies of its own.
/// </summary>
public abstract class ClientStoreTests
{
    protected ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2030, 1, 1, 9, 0, 0, TimeSpan.Zero));

    private IClientStore? _store;

    protected IClientStore Store => _store ??= CreateStore(Clock);

    protected abstract IClientStore CreateStore(TimeProvider time);

    [Fact]
    public async Task CreateStoresTheFieldsAndDatesTheClientFromToday()
    {
        var company = NewCompany();

        var created = await Store.CreateAsync(company, Client("ann@example.test", "Ann Lee", new { phone = "555-0100", city = "Lyon" }), default);
        var read = await Store.GetAsync(company, created.Id, default);

        Assert.NotNull(read);
        Assert.Equal(company, read.CompanyId);
        Assert.Equal("ann@example.test", read.Email);
        Assert.Equal("Ann Lee", read.Name);
        Assert.Equal("Lyon", read.Fields["city"].GetString());
        Assert.Equal("2030-01-01", read.Fields[ClientField.ClientSince].GetString());
        Assert.Equal(Clock.GetUtcNow(), read.CreatedAt);
        Assert.Equal(read.CreatedAt, read.UpdatedAt);
    }

    [Fact]
    public async Task AGivenClientSinceIsKept()
    {
        var company = NewCompany();

        var created = await Store.CreateAsync(company, Client("bo@example.test", "Bo", new { cient_since = "2019-8-24" }), default);

        Assert.Equal("2019-08-24", (await Store.GetAsync(company, created.Id, default))!.Fields[ClientField.ClientSince].GetString());
    }

    [Fact]
    public async Task ASecondClientWithTheSameEmailInAnyCaseIsAConflictNamingTheEmailAndTheClient()
    {
        var company = NewCompany();
        var first = await Store.CreateAsync(company, Client("Cy@Example.test", "Cy"), default);

        var conflict = await Assert.ThrowsAsync<SaveConflictException>(() => Store.CreateAsync(company, Client("cy@example.TEST", "Other Cy"), default));

        Assert.StartsWith("email:", conflict.Message);
        Assert.Contains(first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), conflict.Message);
        Assert.Single(await Store.ListAsync(company, new ClientQuery(), default));
    }

    [Fact]
    public async Task TheSameEmailInAnotherCompanyIsAnotherClient()
    {
        var (one, two) = (NewCompany(), NewCompany());

        var a = await Store.CreateAsync(one, Client("dee@example.test", "Dee"), default);
        var b = await Store.CreateAsync(two, Client("dee@example.test", "Dee"), default);

        Assert.NotEqual(a.Id, b.Id);
    }

    [Fact]
    public async Task AnUpsertNeverFindsAnotherCompanysClientWithTheSameEmailAndValues()
    {
        var (one, two) = (NewCompany(), NewCompany());
        var theirs = await Store.UpsertByEmailAsync(one, "eli@example.test", Values(new { name = "Eli" }), default);

        var ours = await Store.UpsertByEmailAsync(two, "eli@example.test", Values(new { name = "Eli" }), default);

        Assert.True(ours.Created);
        Assert.NotEqual(theirs.Client.Id, ours.Client.Id);
        Assert.Equal(two, ours.Client.CompanyId);
        Assert.Equal(one, (await Store.GetAsync(one, theirs.Client.Id, default))!.CompanyId);
    }

    [Fact]
    public async Task AnotherCompanyNeitherGetsNorFindsNorUpdatesNorDeletesTheClient()
    {
        var (owner, stranger) = (NewCompany(), NewCompany());
        var client = await Store.CreateAsync(owner, Client("eve@example.test", "Eve"), default);

        Assert.Null(await Store.GetAsync(stranger, client.Id, default));
        Assert.Null(await Store.FindByEmailAsync(stranger, "eve@example.test", default));
        Assert.Null(await Store.UpdateAsync(stranger, client.Id, Values(new { name = "Mallory" }), default));
        Assert.False(await Store.DeleteAsync(stranger, client.Id, default));
        Assert.Empty(await Store.ListAsync(stranger, new ClientQuery { ClientId = client.Id }, default));

        Assert.Equal("Eve", (await Store.GetAsync(owner, client.Id, default))!.Name);
    }

    [Fact]
    public async Task UpdateReplacesOnlyTheGivenFields()
    {
        var company = NewCompany();
        var client = await Store.CreateAsync(company, Client("fay@example.test", "Fay", new { phone = "1", city = "Oslo" }), default);
        Clock.Advance(TimeSpan.FromMinutes(5));

        var updated = await Store.UpdateAsync(company, client.Id, Values(new { city = "Bergen", notes = "prefers mornings" }), default);

        Assert.NotNull(updated);
        var read = (await Store.GetAsync(company, client.Id, default))!;
        Assert.Equal(("Fay", "1", "Bergen", "prefers mornings"), (read.Name, read.Fields["phone"].GetString(), read.Fields["city"].GetString(), read.Fields["notes"].GetString()));
        Assert.Equal(client.CreatedAt, read.CreatedAt);
        Assert.Equal(Clock.GetUtcNow(), read.UpdatedAt);
    }

    [Fact]
    public async Task UpdatingTheEmailToAnotherClientsIsAConflictButRespellingItsOwnIsNot()
    {
        var company = NewCompany();
        var gus = await Store.CreateAsync(company, Client("gus@example.test", "Gus"), default);
        await Store.CreateAsync(company, Client("hal@example.test", "Hal"), default);

        await Assert.ThrowsAsync<SaveConflictException>(() => Store.UpdateAsync(company, gus.Id, Values(new { email = "HAL@example.test" }), default));
        var respelled = await Store.UpdateAsync(company, gus.Id, Values(new { email = "Gus@Example.test" }), default);

        Assert.Equal("Gus@Example.test", respelled!.Email);
        Assert.Equal("Gus@Example.test", (await Store.GetAsync(company, gus.Id, default))!.Email);
    }

    [Fact]
    public async Task AChangedEmailFreesTheOldOne()
    {
        var company = NewCompany();
        var ivy = await Store.CreateAsync(company, Client("ivy@example.test", "Ivy"), default);

        await Store.UpdateAsync(company, ivy.Id, Values(new { email = "ivy.new@example.test" }), default);
        var newcomer = await Store.CreateAsync(company, Client("ivy@example.test", "Another Ivy"), default);

        Assert.Equal(newcomer.Id, (await Store.FindByEmailAsync(company, "IVY@example.test", default))!.Id);
        Assert.Equal(ivy.Id, (await Store.FindByEmailAsync(company, "ivy.new@example.test", default))!.Id);
    }

    [Fact]
    public async Task DeleteRemovesTheClientAndFreesItsEmail()
    {
        var company = NewCompany();
        var jo = await Store.CreateAsync(company, Client("jo@example.test", "Jo"), default);

        Assert.True(await Store.DeleteAsync(company, jo.Id, default));
        Assert.False(await Store.DeleteAsync(company, jo.Id, default));
        Assert.Null(await Store.GetAsync(company, jo.Id, default));
        Assert.Null(await Store.UpdateAsync(company, jo.Id, Values(new { name = "Ghost" }), default));
        var again = await Store.CreateAsync(company, Client("jo@example.test", "Jo"), default);
        Assert.NotEqual(jo.Id, again.Id);
    }

    [Fact]
    public async Task UpsertCreatesTheClientOnceThenUpdatesItKeepingTheEmailsSpelling()
    {
        var company = NewCompany();

        var first = await Store.UpsertByEmailAsync(company, " Kim@Example.test ", Values(new { name = "Kim", phone = "111" }), default);
        Clock.Advance(TimeSpan.FromDays(1));
        var second = await Store.UpsertByEmailAsync(company, "kim@example.TEST", Values(new { name = "Kim Park", employee_id = 42, last_app_date = "2030-01-05T10:30:00+02:00" }), default);

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Client.Id, second.Client.Id);
        var read = (await Store.GetAsync(company, first.Client.Id, default))!;
        Assert.Equal("Kim@Example.test", read.Email);
        Assert.Equal(("Kim Park", "111", 42L), (read.Name, read.Fields["phone"].GetString(), read.Fields[ClientField.EmployeeId].GetInt64()));
        Assert.Equal("2030-01-05T08:30:00Z", read.Fields[ClientField.LastAppointmentDate].GetString());
        Assert.Equal("2030-01-01", read.Fields[ClientField.ClientSince].GetString());
        Assert.Equal(first.Client.CreatedAt, read.CreatedAt);
        Assert.Equal(Clock.GetUtcNow(), read.UpdatedAt);
    }

    [Fact]
    public async Task UpsertThatChangesNothingReturnsTheClientAsStored()
    {
        var company = NewCompany();
        var first = await Store.UpsertByEmailAsync(company, "noa@example.test", Values(new { name = "Noa", phone = "222" }), default);
        Clock.Advance(TimeSpan.FromDays(1));

        var same = await Store.UpsertByEmailAsync(company, "NOA@example.test", Values(new { name = "Noa" }), default);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Store.UpsertByEmailAsync(company, "noa@example.test", Values(new { phone = "222" }), default))));

        Assert.False(same.Created);
        Assert.Equal(first.Client.Id, same.Client.Id);
        Assert.Equal(("Noa", "222"), (same.Client.Name, same.Client.Fields["phone"].GetString()));
        Assert.Equal(first.Client.UpdatedAt, same.Client.UpdatedAt);
        Assert.All(concurrent, u => Assert.Equal((first.Client.Id, false), (u.Client.Id, u.Created)));
        Assert.Equal(first.Client.UpdatedAt, (await Store.GetAsync(company, first.Client.Id, default))!.UpdatedAt);
    }

    [Fact]
    public async Task ConcurrentUpsertsOfKnownClientsEachGetTheirOwnCompanysClient()
    {
        // The same e-mails in three companies, each client with its own name; on PostgreSQL the upserts' reads go out
        // in groups, so every answer must still be its own company's and e-mail's client.
        var companies = new[] { NewCompany(), NewCompany(), NewCompany() };
        var emails = Enumerable.Range(0, 8).Select(i => $"kit{i}@example.test").ToArray();
        var stored = new Dictionary<(long, string), long>();
        foreach (var company in companies)
        {
            foreach (var email in emails)
            {
                stored[(company, email)] = (await Store.CreateAsync(company, Client(email, $"{company} {email}"), default)).Id;
            }
        }

        var asks = companies.SelectMany(company => emails.Select(email => (company, email))).ToArray();
        var upserts = await Task.WhenAll(asks.Concat(asks).Select((ask, i) => Task.Run(async () =>
        {
            // Every third one changes the name: a group holds reads that find the client and reads that do not.
            var name = i % 3 == 0 ? $"{ask.company} {ask.email} renamed {i}" : $"{ask.company} {ask.email}";
            return (ask, name, upsert: await Store.UpsertByEmailAsync(ask.company, ask.email.ToUpperInvariant(), Values(new { name }), default));
        })));

        Assert.All(upserts, u =>
        {
            Assert.Equal((stored[u.ask], u.ask.company, false), (u.upsert.Client.Id, u.upsert.Client.CompanyId, u.upsert.Created));
            Assert.Equal(u.ask.email, u.upsert.Client.Email);
            Assert.Equal(u.name, u.upsert.Client.Name);
        });
        foreach (var company in companies)
        {
            Assert.Equal(emails.Length, (await Store.ListAsync(company, new ClientQuery(), default)).Count);
        }
    }

    [Fact]
    public async Task ConcurrentUpsertsOfOneNewEmailCreateExactlyOneClient()
    {
        var company = NewCompany();

        var upserts = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() =>
            Store.UpsertByEmailAsync(company, i % 2 == 0 ? "lou@example.test" : "LOU@example.test", Values(new { name = $"Lou {i}" }), default))));

        Assert.Single(upserts, u => u.Created);
        Assert.Single(upserts.Select(u => u.Client.Id).Distinct());
        var listed = Assert.Single(await Store.ListAsync(company, new ClientQuery(), default));
        Assert.Contains(listed.Name, upserts.Select(u => u.Client.Name));
    }

    [Fact]
    public async Task ConcurrentCreatesOfOneEmailLetExactlyOneThrough()
    {
        var company = NewCompany();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                return (await Store.CreateAsync(company, Client("max@example.test", $"Max {i}"), default)).Id;
            }
            catch (SaveConflictException)
            {
                return 0L;
            }
        })));

        Assert.Single(attempts, id => id != 0);
        Assert.Single(await Store.ListAsync(company, new ClientQuery(), default));
    }

    [Fact]
    public async Task UpsertRefusesServerFieldsOfTheWrongShape()
    {
        var company = NewCompany();

        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertByEmailAsync(company, "ned@example.test", Values(new { employee_id = "seven" }), default));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertByEmailAsync(company, "ned@example.test", Values(new { last_app_date = "soon" }), default));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.UpsertByEmailAsync(company, " ", Values(new { name = "Nobody" }), default));
        Assert.Empty(await Store.ListAsync(company, new ClientQuery(), default));
    }

    [Fact]
    public async Task TextFiltersMatchSubstringsIgnoringCaseAndTakeWildcardsLiterally()
    {
        var company = NewCompany();
        var olga = await Store.CreateAsync(company, Client("olga@example.test", "Olga", new { city = "Saint-Étienne", notes = "pays 50% upfront" }), default);
        await Store.CreateAsync(company, Client("pam@example.test", "Pam", new { city = "Paris", notes = "pays 500 upfront" }), default);

        Assert.Equal([olga.Id], Ids(await Store.ListAsync(company, Contains("city", "saint"), default)));
        Assert.Equal([olga.Id], Ids(await Store.ListAsync(company, Contains("notes", "50%"), default)));
        Assert.Empty(await Store.ListAsync(company, Contains("notes", "p_ys"), default));
        Assert.Equal(2, (await Store.ListAsync(company, Contains("phone", ""), default)).Count);
        Assert.Equal([olga.Id], Ids(await Store.ListAsync(company, new ClientQuery { Email = " OLGA@example.test" }, default)));
        Assert.Empty(await Store.ListAsync(company, new ClientQuery { Email = "olga@example" }, default));
        Assert.Empty(await Store.ListAsync(company, Contains("zip", "1"), default));
    }

    [Fact]
    public async Task SearchNeedsEveryTermInTheNameEmailOrPhone()
    {
        var company = NewCompany();
        var quinn = await Store.CreateAsync(company, Client("quinn@mail.test", "Quinn Adams", new { phone = "(555) 010-0199", city = "Rome" }), default);
        var rae = await Store.CreateAsync(company, Client("rae@adams.test", "Rae Stone", new { phone = "+1 555 777 0000" }), default);

        Assert.Equal([quinn.Id, rae.Id], Ids(await Store.ListAsync(company, new ClientQuery { Search = "adams" }, default)));
        Assert.Equal([quinn.Id], Ids(await Store.ListAsync(company, new ClientQuery { Search = "ADAMS quinn" }, default)));
        Assert.Equal([quinn.Id], Ids(await Store.ListAsync(company, new ClientQuery { Search = "5550100199" }, default)));
        Assert.Equal([quinn.Id], Ids(await Store.ListAsync(company, new ClientQuery { Search = "555 0100" }, default)));
        Assert.Equal([rae.Id], Ids(await Store.ListAsync(company, new ClientQuery { Search = "rae@adams" }, default)));
        Assert.Empty(await Store.ListAsync(company, new ClientQuery { Search = "rome" }, default));
        Assert.Empty(await Store.ListAsync(company, new ClientQuery { Search = "adams%" }, default));
    }

    [Fact]
    public async Task ExactFiltersSelectByEmployeeGenderConsentBirthdayAndClientSince()
    {
        var company = NewCompany();
        var sam = await Store.CreateAsync(company, Client("sam@example.test", "Sam", new { gender = "m", accept_emails = true, birthday = "1990-04-05", cient_since = "2020-01-02" }), default);
        var tia = await Store.CreateAsync(company, Client("tia@example.test", "Tia", new { gender = "f", birthday = "1985-04-06" }), default);
        await Store.UpsertByEmailAsync(company, "tia@example.test", Values(new { employee_id = 7 }), default);

        Assert.Equal([tia.Id], Ids(await Store.ListAsync(company, new ClientQuery { EmployeeId = 7 }, default)));
        Assert.Equal([sam.Id], Ids(await Store.ListAsync(company, new ClientQuery { Gender = "m" }, default)));
        Assert.Equal([sam.Id], Ids(await Store.ListAsync(company, new ClientQuery { AcceptEmails = true }, default)));
        Assert.Equal([tia.Id], Ids(await Store.ListAsync(company, new ClientQuery { AcceptEmails = false }, default)));
        Assert.Equal([sam.Id], Ids(await Store.ListAsync(company, new ClientQuery { Birthday = new MonthDay(4, 5) }, default)));
        Assert.Equal([sam.Id], Ids(await Store.ListAsync(company, new ClientQuery { ClientSince = new DateOnly(2020, 1, 2) }, default)));
        Assert.Equal([tia.Id], Ids(await Store.ListAsync(company, new ClientQuery { ClientId = tia.Id }, default)));
    }

    [Fact]
    public async Task LastAppointmentFiltersTakeAHalfOpenRange()
    {
        var company = NewCompany();
        var early = await Store.UpsertByEmailAsync(company, "uma@example.test", Values(new { name = "Uma", last_app_date = "2030-02-01T00:00:00Z" }), default);
        var late = await Store.UpsertByEmailAsync(company, "vic@example.test", Values(new { name = "Vic", last_app_date = "2030-02-01T23:59:59Z" }), default);
        await Store.UpsertByEmailAsync(company, "wes@example.test", Values(new { name = "Wes", last_app_date = "2030-02-02T00:00:00Z" }), default);
        await Store.CreateAsync(company, Client("xia@example.test", "Xia"), default);

        var day = new ClientQuery
        {
            LastAppointmentFrom = new DateTimeOffset(2030, 2, 1, 0, 0, 0, TimeSpan.Zero),
            LastAppointmentBefore = new DateTimeOffset(2030, 2, 2, 0, 0, 0, TimeSpan.Zero),
        };

        Assert.Equal([early.Client.Id, late.Client.Id], Ids(await Store.ListAsync(company, day, default)));
    }

    [Fact]
    public async Task ListsAreOrderedByNameIgnoringCaseThenByIdAndPaged()
    {
        var company = NewCompany();
        var zed = await Store.CreateAsync(company, Client("z@example.test", "zed"), default);
        var amy1 = await Store.CreateAsync(company, Client("a1@example.test", "Amy"), default);
        var amy2 = await Store.CreateAsync(company, Client("a2@example.test", "amy"), default);
        var bob = await Store.CreateAsync(company, Client("b@example.test", "Bob"), default);

        Assert.Equal([amy1.Id, amy2.Id, bob.Id, zed.Id], Ids(await Store.ListAsync(company, new ClientQuery(), default)));
        Assert.Equal([zed.Id, bob.Id, amy2.Id, amy1.Id], Ids(await Store.ListAsync(company, new ClientQuery { Descending = true }, default)));
        Assert.Equal([amy2.Id, bob.Id], Ids(await Store.ListAsync(company, new ClientQuery { Skip = 1, Take = 2 }, default)));
        Assert.Empty(await Store.ListAsync(company, new ClientQuery { Skip = 4 }, default));
    }

    [Fact]
    public async Task ListsOrderByCreationEmailOrId()
    {
        var company = NewCompany();
        var first = await Store.CreateAsync(company, Client("c@example.test", "One"), default);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Store.CreateAsync(company, Client("A@example.test", "Two"), default);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var third = await Store.CreateAsync(company, Client("b@example.test", "Three"), default);

        Assert.Equal([third.Id, second.Id, first.Id], Ids(await Store.ListAsync(company, new ClientQuery { SortBy = ClientSort.DateCreated, Descending = true }, default)));
        Assert.Equal([second.Id, third.Id, first.Id], Ids(await Store.ListAsync(company, new ClientQuery { SortBy = ClientSort.Email }, default)));
        Assert.Equal([first.Id, second.Id, third.Id], Ids(await Store.ListAsync(company, new ClientQuery { SortBy = ClientSort.Id }, default)));
    }

    [Fact]
    public async Task ClientsWithoutALastAppointmentComeLastInEitherDirection()
    {
        var company = NewCompany();
        var never = await Store.CreateAsync(company, Client("never@example.test", "Never"), default);
        var march = await Store.UpsertByEmailAsync(company, "march@example.test", Values(new { name = "March", last_app_date = "2030-03-01T09:00:00Z" }), default);
        var may = await Store.UpsertByEmailAsync(company, "may@example.test", Values(new { name = "May", last_app_date = "2030-05-01T09:00:00Z" }), default);

        Assert.Equal([march.Client.Id, may.Client.Id, never.Id],
            Ids(await Store.ListAsync(company, new ClientQuery { SortBy = ClientSort.LastAppointmentDate }, default)));
        Assert.Equal([may.Client.Id, march.Client.Id, never.Id],
            Ids(await Store.ListAsync(company, new ClientQuery { SortBy = ClientSort.LastAppointmentDate, Descending = true }, default)));
    }

    [Fact]
    public async Task ClearedValuesReadBackAsNull()
    {
        var company = NewCompany();
        var client = await Store.CreateAsync(company, Client("yan@example.test", "Yan", new { gender = "f", birthday = "2001-02-03" }), default);

        await Store.UpdateAsync(company, client.Id, ClientSchemas.Bind(Values(new { gender = "", birthday = "" }), create: false), default);

        var read = (await Store.GetAsync(company, client.Id, default))!;
        Assert.Equal(JsonValueKind.Null, read.Fields[ClientField.Gender].ValueKind);
        Assert.Equal(JsonValueKind.Null, read.Fields[ClientField.Birthday].ValueKind);
        Assert.Empty(await Store.ListAsync(company, new ClientQuery { Gender = "f" }, default));
    }

    protected static long NewCompany() => Random.Shared.NextInt64(1_000_000, long.MaxValue);

    /// <summary>Client values as the API would bind them from a request.</summary>
    private static ImmutableDictionary<string, JsonElement> Client(string email, string name, object? more = null)
    {
        var values = more is null ? new Dictionary<string, JsonElement>() : new Dictionary<string, JsonElement>(Values(more));
        values["email"] = JsonSerializer.SerializeToElement(email);
        values["name"] = JsonSerializer.SerializeToElement(name);
        return ClientSchemas.Bind(values, create: true);
    }

    protected static ImmutableDictionary<string, JsonElement> Values(object values) =>
        JsonSerializer.SerializeToElement(values).EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.Clone());

    private static ClientQuery Contains(string field, string text) =>
        new() { TextContains = ImmutableDictionary<string, string>.Empty.Add(field, text) };

    private static long[] Ids(IEnumerable<ClientRecord> clients) => [.. clients.Select(c => c.Id)];
}

public sealed class MemoryClientStoreTests : ClientStoreTests
{
    protected override IClientStore CreateStore(TimeProvider time) => new MemoryClientStore(new Scheduling.Grains.Storage.Memory.MemoryIdGenerator(), time);
}

public sealed class PostgresClientStoreTests(PostgresClientsDatabase database) : ClientStoreTests, IClassFixture<PostgresClientsDatabase>
{
    protected override IClientStore CreateStore(TimeProvider time) => new PostgresClientStore(database.DataSource, database.Ids, time);

    [Fact]
    public async Task UpsertThatChangesNothingNeitherWritesNorLocksTheRow()
    {
        var company = NewCompany();
        var first = await Store.UpsertByEmailAsync(company, "ora@example.test", Values(new { name = "Ora" }), default);
        var before = await RowVersionAsync(first.Client.Id);

        await Store.UpsertByEmailAsync(company, "ORA@example.test", Values(new { name = "Ora" }), default);

        // xmin names the transaction that wrote the row; xmax stays 0 unless a later one deleted, updated or locked it.
        Assert.Equal(before, await RowVersionAsync(first.Client.Id));
        Assert.Equal("0", before.Xmax);
    }

    [Fact]
    public async Task TheBookingsNoteTouchesNoIndexedColumnSoItIsAHotUpdate()
    {
        // Migration 1003: an index on employee_id or last_app_date would make every booking's note rewrite all indexes.
        await using var command = database.DataSource.CreateCommand(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 'clients'::regclass");
        var definitions = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                definitions.Add(reader.GetString(0));
            }
        }

        Assert.Contains(definitions, d => d.Contains("lower(email)", StringComparison.Ordinal));
        Assert.DoesNotContain(definitions, d => d.Contains("employee_id", StringComparison.Ordinal) || d.Contains("last_app_date", StringComparison.Ordinal));
    }

    private async Task<(string Xmin, string Xmax)> RowVersionAsync(long clientId)
    {
        await using var command = database.DataSource.CreateCommand("SELECT xmin::text, xmax::text FROM clients WHERE id = $1");
        command.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = clientId });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetString(0), reader.GetString(1));
    }
}
