using Orleans.Core;
using System.Collections.Immutable;
using System.Text.Json;
using Scheduling.Contracts.Catalog;
using Scheduling.Contracts.Errors;
using Scheduling.Contracts.Records;
using Scheduling.Contracts.Services;
using Scheduling.Grains.Catalog;
using Scheduling.Grains.Snapshots;

namespace Scheduling.Grains.Services;

/// <summary>One service: its fields, photo, and the typed snapshot the availability engine reads.</summary>
public sealed class ServiceGrain([PersistentState("service")] IPersistentState<ServiceState> service, TimeProvider time) : SnapshotGrain<ServiceSnapshot?>, IServiceGrain
{
    private const string PhotoField = "photo";

    // Built from the stored values once per change: availability reads it far more often than it changes.
    private ServiceSnapshot? _snapshot;

    private ServiceState State => service.State;

    public async Task<ServiceSnapshot> CreateAsync(long companyId, ImmutableDictionary<string, JsonElement> values)
    {
        if (service.RecordExists)
        {
            throw new InvalidOperationException($"Service {this.GetPrimaryKeyLong()} already exists.");
        }

        service.State = new ServiceState { CompanyId = companyId, CreatedAt = time.GetUtcNow(), Values = values };
        return await SaveAsync();
    }

    public Task<ServiceSnapshot?> GetAsync() => Task.FromResult(CurrentSnapshot());

    protected override IStorage SnapshotState => service;

    protected override ServiceSnapshot? CurrentSnapshot() => service.RecordExists ? Snapshot() : null;

    public async Task<ServiceSnapshot> UpdateAsync(ImmutableDictionary<string, JsonElement> changes)
    {
        EnsureExists();
        State.Values = State.Values.Merge(changes);
        State.Photo = CatalogPhotos.Kept(State.Photo, State.Values, PhotoField);
        return await SaveAsync();
    }

    public async Task<CatalogPhoto?> SetPhotoAsync(CatalogPhoto photo)
    {
        EnsureExists();
        var previous = State.Photo;
        State.Photo = photo;
        State.Values = CatalogPhotos.Show(State.Values, PhotoField, photo);
        await SaveAsync();
        return previous;
    }

    public async Task<CatalogPhoto> RemovePhotoAsync(string fileName)
    {
        EnsureExists();
        var (values, removed) = CatalogPhotos.Remove(State.Values, State.Photo, PhotoField, fileName)
            ?? throw new NotFoundException($"service {this.GetPrimaryKeyLong()} has no photo '{fileName}'");
        State.Values = values;
        State.Photo = null;
        await SaveAsync();
        return removed;
    }

    public async Task RemoveSubServiceAsync(long subServiceId)
    {
        if (service.RecordExists && ServiceRules.SubServiceIds(State.Values) is var ids && ids.Contains(subServiceId))
        {
            State.Values = State.Values.SetItem("subservices", JsonSerializer.SerializeToElement(ids.Remove(subServiceId)));
            await SaveAsync();
        }
    }

    public async Task DeleteAsync()
    {
        if (service.RecordExists)
        {
            _snapshot = null;
            await service.ClearStateAsync();
        }
    }

    private async Task<ServiceSnapshot> SaveAsync()
    {
        _snapshot = null;
        await service.WriteStateAsync();
        return Snapshot();
    }

    private void EnsureExists()
    {
        if (!service.RecordExists)
        {
            throw new NotFoundException($"service {this.GetPrimaryKeyLong()} not found");
        }
    }

    private ServiceSnapshot Snapshot() => _snapshot ??= Build();

    private ServiceSnapshot Build()
    {
        var values = State.Values;
        int Int(string name) => values.GetInt(name) ?? Default(name).GetInt32();
        bool Bool(string name) => values.GetBool(name) ?? Default(name).GetBoolean();
        decimal Amount(string name) => values.GetDecimal(name) ?? Default(name).GetDecimal();

        return new ServiceSnapshot
        {
            Id = this.GetPrimaryKeyLong(),
            CompanyId = State.CompanyId,
            CreatedAt = State.CreatedAt,
            Values = values,
            Photo = State.Photo,
            Name = values.GetText("name") ?? string.Empty,
            DurationMinutes = Int("duration"),
            PaddingMinutes = Int("duration_padding"),
            StartStepMinutes = Int("start_step"),
            PriorNoticeHours = Int("prior_notice"),
            AfterNoticeDays = Int("after_notice"),
            CancelAppointmentHours = Int("cancel_appointment"),
            RescheduleAppointmentHours = Int("reschedule_appointment"),
            SendReminderHours = Int("send_reminder"),
            Seats = Math.Max(1, Int("group_session")),
            MaxClients = Int("max_clients"),
            AutoConfirm = Bool("auto_confirm"),
            IsSubservice = Bool("is_subservice"),
            RequireAddon = Int("require_addon") == 1,
            SubServiceIds = ServiceRules.SubServiceIds(values),
            Active = Bool("status"),
            ActiveFrom = ServiceRules.DateOf(values, "active_from"),
            ActiveUntil = ServiceRules.DateOf(values, "active_until"),
            ActiveIntervalStatus = Bool("active_interval_status"),
            SetSchedule = Bool("set_schedule"),
            Schedule = values.TryGetValue(ServiceSchedules.Field, out var schedule) ? ServiceSchedules.Parse(schedule) : [],
            Price = Amount("price"),
            PaymentMinAmount = Amount("payment_min_amount"),
            AllowCashPayment = Bool("allow_cash_payment"),
        };
    }

    private static JsonElement Default(string name) =>
        ServiceSchemas.Service.TryGetField(name, out var field) && field.Default is { } value
            ? value
            : throw new InvalidOperationException($"Service field {name} has no default.");
}
