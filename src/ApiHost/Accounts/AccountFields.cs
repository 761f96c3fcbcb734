using Scheduling.ApiHost.Api;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Records;

namespace Scheduling.ApiHost.Accounts;

/// <summary>Request fields with rules of their own that several account endpoints read: passwords, nicknames, e-mails, URLs.</summary>
public static class AccountFields
{
    public static string RequireNewPassword(ApiRequest request, string field)
    {
        var password = request.RequireString(field, AccountSchemas.MaxPasswordLength);
        return password.Length < AccountSchemas.MinPasswordLength
            ? throw ApiException.InvalidField(field, $"must be at least {AccountSchemas.MinPasswordLength} characters")
            : password;
    }

    /// <summary>A nickname as accounts store it (trimmed, lower case), checked for the allowed shape.</summary>
    public static string Nickname(string value, string field)
    {
        var nickname = value.Trim().ToLowerInvariant();
        return AccountSchemas.IsValidNickname(nickname)
            ? nickname
            : throw ApiException.InvalidField(field, "must be 3-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit");
    }

    public static string Email(string value, string field)
    {
        var email = value.Trim();
        return email.Length <= 254 && RecordSchema.LooksLikeEmail(email) ? email : throw ApiException.InvalidField(field, "must be an e-mail address");
    }

    /// <summary>An absolute http(s) URL: where browsers are sent, so no javascript:, data: or relative targets.</summary>
    public static string WebUrl(string value, string field) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? value.Trim()
            : throw ApiException.InvalidField(field, "must be an absolute http or https URL");
}
