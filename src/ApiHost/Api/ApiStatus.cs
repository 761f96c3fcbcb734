namespace Scheduling.ApiHost.Api;

/// <summary>The envelope's statusCode values (SPEC §2); <see cref="ApiStatusExtensions.HttpStatus"/> gives each one's HTTP status.</summary>
public enum ApiStatus
{
    Ok = 0,
    InvalidParameters = 1,
    InvalidCredentials = 2,
    AccountNotActive = 3,
    InternalError = 4,
    ErrorSavingEntity = 5,
    ErrorDeleting = 6,
    NotFound = 7,
    NotAllowed = 8,
    SlotNotAvailable = 9,
    SlotOccupied = 10,
    AccountsLimitReached = 11,
}

public static class ApiStatusExtensions
{
    public static int HttpStatus(this ApiStatus status) => status switch
    {
        ApiStatus.Ok => StatusCodes.Status200OK,
        ApiStatus.InvalidParameters => StatusCodes.Status400BadRequest,
        ApiStatus.InvalidCredentials => StatusCodes.Status401Unauthorized,
        ApiStatus.AccountNotActive => StatusCodes.Status401Unauthorized,
        ApiStatus.InternalError => StatusCodes.Status500InternalServerError,
        ApiStatus.ErrorSavingEntity => StatusCodes.Status409Conflict,
        ApiStatus.ErrorDeleting => StatusCodes.Status409Conflict,
        ApiStatus.NotFound => StatusCodes.Status404NotFound,
        ApiStatus.NotAllowed => StatusCodes.Status403Forbidden,
        ApiStatus.SlotNotAvailable => StatusCodes.Status422UnprocessableEntity,
        ApiStatus.SlotOccupied => StatusCodes.Status409Conflict,
        ApiStatus.AccountsLimitReached => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status500InternalServerError,
    };
}

/// <summary>A failure the client should hear about, in the envelope, with its statusCode.</summary>
public sealed class ApiException(ApiStatus status, string message) : Exception(message)
{
    public ApiStatus Status { get; } = status;

    /// <summary>A missing or malformed field: the description names it.</summary>
    public static ApiException InvalidField(string field, string problem) => new(ApiStatus.InvalidParameters, $"{field}: {problem}");
}
