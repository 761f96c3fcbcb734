using Orleans;

namespace Scheduling.Contracts.Errors;

/// <summary>
/// Domain failures that cross grain boundaries to the API, which maps each to its statusCode (SPEC §2) in
/// one place. Anything else that escapes is an internal error. Orleans carries each with its type and message.
/// </summary>
[GenerateSerializer]
[Alias("scheduling.scheduling-exception")]
public abstract class SchedulingException(string message) : Exception(message);

/// <summary>No such record in the caller's tenant (also for other tenants' records). 404 / NOT_FOUND.</summary>
[GenerateSerializer]
[Alias("scheduling.not-found-exception")]
public sealed class NotFoundException(string message) : SchedulingException(message);

/// <summary>A write the server could not apply (a unique name taken, a state that changed). 409 / ERROR_SAVING_ENTITY.</summary>
[GenerateSerializer]
[Alias("scheduling.save-conflict-exception")]
public sealed class SaveConflictException(string message) : SchedulingException(message);

/// <summary>A delete refused because something still refers to the record. 409 / ERROR_DELETING.</summary>
[GenerateSerializer]
[Alias("scheduling.delete-refused-exception")]
public sealed class DeleteRefusedException(string message) : SchedulingException(message);

/// <summary>Not permitted for this caller. 403 / NOT_ALLOWED.</summary>
[GenerateSerializer]
[Alias("scheduling.not-permitted-exception")]
public sealed class NotPermittedException(string message) : SchedulingException(message);

/// <summary>A licence or sub-account limit. 403 / ACCOUNTS_LIMIT_REACHED.</summary>
[GenerateSerializer]
[Alias("scheduling.limit-reached-exception")]
public sealed class LimitReachedException(string message) : SchedulingException(message);

/// <summary>The requested time is not offered (hours, holiday, notice, inactive service). 422 / SLOT_NOT_AVAILABLE.</summary>
[GenerateSerializer]
[Alias("scheduling.slot-not-available-exception")]
public sealed class SlotNotAvailableException(string message) : SchedulingException(message);

/// <summary>The requested time is taken (every seat booked). 409 / SLOT_OCCUPIED.</summary>
[GenerateSerializer]
[Alias("scheduling.slot-occupied-exception")]
public sealed class SlotOccupiedException(string message) : SchedulingException(message);
