using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Clients;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Storage;

namespace Scheduling.Grains.Clients;

/// <summary>
/// Clients in process memory (the embedded default): per company, by id and by e-mail, behind one lock so
/// that the e-mail stays unique under concurrent creates, updates and upserts, as the PostgreSQL index keeps it.
/// </summary>
public sealed class MemoryClientStore(IIdGenerator ids, TimeProvider time) : IClientStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, CompanyClients> _companies = [];

    public async Task<ClientRecord> CreateAsync(long companyId, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken)
    {
        var email = fields.GetText(ClientField.Email) ?? throw new ArgumentException("a client needs an e-mail", nameof(fields));
        var id = await ids.NextIdAsync(cancellationToken);
        var now = ClientRules.Now(time);
        var client = new ClientRecord(id, companyId, ClientRules.NewClient(email, fields, now), now, now);
        lock (_lock)
        {
            var company = Company(companyId);
            if (company.ByEmail.TryGetValue(ClientRules.EmailKey(email), out var existing))
            {
                throw ClientRules.EmailTaken(email, existing);
            }

            company.Add(client);
        }

        return client;
    }

    public Task<ClientRecord?> GetAsync(long companyId, long clientId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_companies.TryGetValue(companyId, out var company) ? company.ById.GetValueOrDefault(clientId) : null);
        }
    }

    public Task<ClientRecord?> FindByEmailAsync(long companyId, string email, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(
                _companies.TryGetValue(companyId, out var company) && company.ByEmail.TryGetValue(ClientRules.EmailKey(email), out var id)
                    ? company.ById[id]
                    : null);
        }
    }

    public Task<ClientRecord?> UpdateAsync(long companyId, long clientId, IReadOnlyDictionary<string, JsonElement> changes, CancellationToken cancellationToken)
    {
        var checkedChanges = ClientRules.Checked(changes);
        lock (_lock)
        {
            if (!_companies.TryGetValue(companyId, out var company) || !company.ById.TryGetValue(clientId, out var stored))
            {
                return Task.FromResult<ClientRecord?>(null);
            }

            var updated = stored with { Fields = stored.Fields.Merge(checkedChanges), UpdatedAt = ClientRules.Now(time) };
            if (company.ByEmail.TryGetValue(ClientRules.EmailKey(updated.Email), out var owner) && owner != clientId)
            {
                throw ClientRules.EmailTaken(updated.Email, owner);
            }

            company.Replace(stored, updated);
            return Task.FromResult<ClientRecord?>(updated);
        }
    }

    public Task<bool> DeleteAsync(long companyId, long clientId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_companies.TryGetValue(companyId, out var company) && company.Remove(clientId));
        }
    }

    public Task<IReadOnlyList<ClientRecord>> ListAsync(long companyId, ClientQuery query, CancellationToken cancellationToken)
    {
        var terms = ClientRules.SearchTerms(query.Search);
        List<ClientRecord> matching;
        lock (_lock)
        {
            if (!_companies.TryGetValue(companyId, out var company))
            {
                return Task.FromResult<IReadOnlyList<ClientRecord>>([]);
            }

            matching = [.. company.ById.Values.Where(c => Matches(c, query, terms))];
        }

        matching.Sort(new ClientOrder(query.SortBy, query.Descending));
        return Task.FromResult<IReadOnlyList<ClientRecord>>([.. matching.Skip(query.Skip).Take(query.Take)]);
    }

    public async Task<ClientUpsert> UpsertByEmailAsync(long companyId, string email, IReadOnlyDictionary<string, JsonElement> fields, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(email);

        // The e-mail identifies the client: an upsert never respells or moves it.
        var changes = ClientRules.Checked(fields).Remove(ClientField.Email);
        var now = ClientRules.Now(time);
        lock (_lock)
        {
            if (TryUpdateUnlocked(companyId, email, changes, now) is { } known)
            {
                return known;
            }
        }

        // A new client (most upserts find one): its id is taken outside the lock, and the e-mail looked up again with it.
        var created = new ClientRecord(await ids.NextIdAsync(cancellationToken), companyId, ClientRules.NewClient(email, fields, now), now, now);
        lock (_lock)
        {
            if (TryUpdateUnlocked(companyId, email, changes, now) is { } raced)
            {
                return raced;
            }

            Company(companyId).Add(created);
            return new ClientUpsert(created, Created: true);
        }
    }

    // The client with the e-mail, changed as asked; null when the company has none with it. Caller holds _lock.
    private ClientUpsert? TryUpdateUnlocked(long companyId, string email, ImmutableDictionary<string, JsonElement> changes, DateTimeOffset now)
    {
        var company = Company(companyId);
        if (!company.ByEmail.TryGetValue(ClientRules.EmailKey(email), out var existingId))
        {
            return null;
        }

        var stored = company.ById[existingId];
        if (changes.All(change => stored.Fields.TryGetValue(change.Key, out var value) && JsonElement.DeepEquals(value, change.Value)))
        {
            // Nothing to change: the client stays as it is (updated_at included), as in PostgreSQL.
            return new ClientUpsert(stored, Created: false);
        }

        var updated = stored with { Fields = stored.Fields.Merge(changes), UpdatedAt = now };
        company.Replace(stored, updated);
        return new ClientUpsert(updated, Created: false);
    }

    /// <summary>
    /// A new appointment of the client: its provider and start become the client's <c>employee_id</c> and
    /// <c>last_app_date</c> when it starts after the latest one noted. Called by the appointments table as it
    /// inserts the row (under the storage's write lock), as the PostgreSQL writer does in the booking's transaction.
    /// </summary>
    internal void NoteAppointment(long companyId, long clientId, long employeeId, DateTimeOffset start, DateTimeOffset at)
    {
        var startText = ClientSchemas.FormatTimestamp(start);
        lock (_lock)
        {
            if (!_companies.TryGetValue(companyId, out var company) || !company.ById.TryGetValue(clientId, out var stored)
                || (stored.Fields.GetText(ClientField.LastAppointmentDate) is { } latest && string.CompareOrdinal(latest, startText) >= 0))
            {
                return;
            }

            company.Replace(stored, stored with
            {
                Fields = stored.Fields
                    .SetItem(ClientField.EmployeeId, FieldValues.Number(employeeId))
                    .SetItem(ClientField.LastAppointmentDate, FieldValues.Text(startText)),
                UpdatedAt = at,
            });
        }
    }

    private CompanyClients Company(long companyId)
    {
        if (!_companies.TryGetValue(companyId, out var company))
        {
            company = new CompanyClients();
            _companies[companyId] = company;
        }

        return company;
    }

    private static bool Matches(ClientRecord client, ClientQuery query, IReadOnlyList<SearchTerm> terms)
    {
        var fields = client.Fields;
        if ((query.ClientId is { } id && client.Id != id)
            || (query.EmployeeId is { } employee && fields.GetLong(ClientField.EmployeeId) != employee)
            || (query.Email is { } email && ClientRules.EmailKey(client.Email) != ClientRules.EmailKey(email))
            || (query.Gender is { } gender && fields.GetText(ClientField.Gender) != gender)
            || (query.AcceptEmails is { } accepts && (fields.GetBool(ClientField.AcceptEmails) ?? false) != accepts)
            || (query.ClientSince is { } since && fields.GetText(ClientField.ClientSince) != ClientSchemas.FormatDate(since)))
        {
            return false;
        }

        if (query.Birthday is { } birthday
            && !(fields.GetText(ClientField.Birthday) is { Length: 10 } date && date[5..] == ClientRules.MonthDayText(birthday)))
        {
            return false;
        }

        // Stored as fixed-format UTC text, so ordinal comparison is time order (as in PostgreSQL).
        var last = fields.GetText(ClientField.LastAppointmentDate);
        if ((query.LastAppointmentFrom is { } from && (last is null || string.CompareOrdinal(last, ClientSchemas.FormatTimestamp(from)) < 0))
            || (query.LastAppointmentBefore is { } before && (last is null || string.CompareOrdinal(last, ClientSchemas.FormatTimestamp(before)) >= 0)))
        {
            return false;
        }

        foreach (var (field, text) in query.TextContains)
        {
            if (!(fields.GetText(field) ?? string.Empty).Contains(text, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        if (terms.Count > 0)
        {
            // One haystack with a space between fields: terms hold no whitespace, so none can match across two fields.
            var phone = fields.GetText(ClientField.Phone) ?? string.Empty;
            var haystack = $"{client.Name} {client.Email} {phone}";
            var phoneDigits = ClientRules.Digits(phone);
            foreach (var term in terms)
            {
                if (!haystack.Contains(term.Text, StringComparison.OrdinalIgnoreCase)
                    && !(term.PhoneDigits is { } digits && phoneDigits.Contains(digits, StringComparison.Ordinal)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The list order, the same as the PostgreSQL ORDER BY: the key (missing values last in either direction), then the id.</summary>
    private sealed class ClientOrder(ClientSort sort, bool descending) : IComparer<ClientRecord>
    {
        public int Compare(ClientRecord? x, ClientRecord? y)
        {
            var (a, b) = (x!, y!);
            var (keyA, keyB) = (OptionalKey(a), OptionalKey(b));
            if (keyA is null != keyB is null)
            {
                return keyA is null ? 1 : -1;
            }

            var byKey = sort switch
            {
                ClientSort.Name => string.CompareOrdinal(a.Name.ToLowerInvariant(), b.Name.ToLowerInvariant()),
                ClientSort.Email => string.CompareOrdinal(a.Email.ToLowerInvariant(), b.Email.ToLowerInvariant()),
                ClientSort.DateCreated => a.CreatedAt.CompareTo(b.CreatedAt),
                ClientSort.LastAppointmentDate or ClientSort.ClientSince => string.CompareOrdinal(keyA, keyB),
                _ => 0,
            };
            var order = byKey != 0 ? byKey : a.Id.CompareTo(b.Id);
            return descending ? -order : order;
        }

        private string? OptionalKey(ClientRecord client) => sort switch
        {
            ClientSort.LastAppointmentDate => client.Fields.GetText(ClientField.LastAppointmentDate),
            ClientSort.ClientSince => client.Fields.GetText(ClientField.ClientSince),
            _ => string.Empty,
        };
    }

    private sealed class CompanyClients
    {
        public Dictionary<long, ClientRecord> ById { get; } = [];

        public Dictionary<string, long> ByEmail { get; } = new(StringComparer.Ordinal);

        public void Add(ClientRecord client)
        {
            ById[client.Id] = client;
            ByEmail[ClientRules.EmailKey(client.Email)] = client.Id;
        }

        public void Replace(ClientRecord stored, ClientRecord updated)
        {
            ByEmail.Remove(ClientRules.EmailKey(stored.Email));
            Add(updated);
        }

        public bool Remove(long clientId)
        {
            if (!ById.Remove(clientId, out var client))
            {
                return false;
            }

            ByEmail.Remove(ClientRules.EmailKey(client.Email));
            return true;
        }
    }
}
