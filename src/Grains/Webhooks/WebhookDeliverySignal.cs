
namespace Scheduling.Grains.Webhooks;

/// <summary>
/// Wakes this process's delivery worker when deliveries were recorded or redelivered here, so the first attempt
/// does not wait for the next poll. Rows recorded by other silos are found by the poll.
/// </summary>
public sealed class WebhookDeliverySignal : Scheduling.Grains.Storage.WakeSignal;
