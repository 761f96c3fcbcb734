namespace Scheduling.Contracts.Errors;

/// <summary>
/// Domain failures that cross grain boundaries to the API, which maps each to its statusCode (SPEC §2) in
/// one place. Anything else that escapes is an internal error.
/// </summary>
public abstract class SchedulingException(string message) : Exception(message);

/// <summary>No such record in the caller's tenant (also for other tenants' records). 404 / NOT_FOUND.</summary>
public sealed class NotFoundException(string message) : SchedulingException(message);

/// <summary>A write the server could not apply (a unique name taken, a state that changed). 409 / ERROR_SAVING_ENTITY.</summary>
public sealed class SaveConflictException(string message) : SchedulingException(message);

/// <summary>A delete refused because something still refers to the record. 409 / ERROR_DELETING.</summary>
public sealed class DeleteRefusedException(string message) : SchedulingException(message);

/// <summary>Not permitted for this caller. 403 / NOT_ALLOWED.</summary>
public sealed class NotPermittedException(string message) : SchedulingException(message);

/// <summary>A licence or sub-account limit. 403 / ACCOUNTS_LIMIT_REACHED.</summary>
public sealed class LimitReachedException(string message) : SchedulingException(message);

/// <summary>The requested time is not offered (hours, holiday, notice, inactive service). 422 / SLOT_NOT_AVAILABLE.</summary>
public sealed class SlotNotAvailableException(string message) : SchedulingException(message);

/// <summary>The requested time is taken (every seat booked). 409 / SLOT_OCCUPIED.</summary>
public sealed class SlotOccupiedException(string message) : SchedulingException(message);
