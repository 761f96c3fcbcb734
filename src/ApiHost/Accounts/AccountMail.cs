using System.Text.Encodings.Web;
using Scheduling.Contracts.Accounts;
using Scheduling.Contracts.Records;
using Scheduling.Grains.Notifications;

namespace Scheduling.ApiHost.Accounts;

/// <summary>The e-mails the account endpoints send: password reset, security notices, widget code.</summary>
public static class AccountMail
{
    public static EmailMessage PasswordReset(AccountSnapshot account, string link, TimeSpan validFor)
    {
        var company = CompanyName(account);
        var minutes = (int)validFor.TotalMinutes;
        return new EmailMessage(
            account.OwnerEmail,
            $"Reset the password of {company}",
            $"""
            Someone asked to reset the password of the account {company}.

            To choose a new password, open this link within {minutes} minutes:
            {link}

            If you did not ask for this, ignore this message: your password stays as it is.
            """,
            $"""
            <p>Someone asked to reset the password of the account {Html(company)}.</p>
            <p><a href="{Html(link)}">Choose a new password</a> (the link works for {minutes} minutes).</p>
            <p>If you did not ask for this, ignore this message: your password stays as it is.</p>
            """);
    }

    public static EmailMessage PasswordChanged(AccountSnapshot account) => new(
        account.OwnerEmail,
        $"The password of {CompanyName(account)} was changed",
        $"""
        The password of the account {CompanyName(account)} was just changed.

        If that was not you, reset your password now and check who has access to the account.
        """);

    /// <summary>Goes to the previous address, so a hijacked account does not change hands silently.</summary>
    public static EmailMessage EmailChanged(AccountSnapshot account, string previousEmail) => new(
        previousEmail,
        $"The login e-mail of {CompanyName(account)} was changed",
        $"""
        The login e-mail of the account {CompanyName(account)} was changed from {previousEmail} to {account.OwnerEmail}.

        If that was not you, contact your administrator at once.
        """);

    public static EmailMessage WidgetCode(AccountSnapshot account, string sendTo, string html, string bookingUrl) => new(
        sendTo,
        $"Booking widget code for {CompanyName(account)}",
        $"""
        Paste this code into the pages where visitors should book appointments with {CompanyName(account)}:

        {html}

        The booking page itself: {bookingUrl}
        """);

    private static string CompanyName(AccountSnapshot account) =>
        account.Profile.GetText("company_name") is { Length: > 0 } name ? name : account.Profile.GetText("nick_name") ?? $"#{account.CompanyId}";

    private static string Html(string text) => HtmlEncoder.Default.Encode(text);
}
