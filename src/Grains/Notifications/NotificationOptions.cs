namespace Scheduling.Grains.Notifications;

/// <summary>Notification settings (section "Notifications").</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Where <see cref="FileNotifier"/> writes its .eml files; default <c>scheduling-mail</c> under the system temp directory.</summary>
    public string? Directory { get; set; }

    /// <summary>The sender of messages that do not name one.</summary>
    public string From { get; set; } = "no-reply@localhost";

    /// <summary>The mail server; when its <see cref="SmtpOptions.Host"/> is set, e-mail goes out through it instead of into files.</summary>
    public SmtpOptions Smtp { get; set; } = new();

    public string ResolveDirectory() =>
        string.IsNullOrWhiteSpace(Directory) ? Path.Combine(Path.GetTempPath(), "scheduling-mail") : Path.GetFullPath(Directory);
}

/// <summary>Section "Notifications:Smtp": the relay <see cref="SmtpNotifier"/> hands messages to.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    /// <summary>587 (submission with STARTTLS) by default; 25 for a local relay.</summary>
    public int Port { get; set; } = 587;

    /// <summary>Upgrade the connection with STARTTLS before sending (and before any password is sent).</summary>
    public bool UseTls { get; set; } = true;

    /// <summary>With <see cref="Password"/>: the account to authenticate as; without it the relay must accept unauthenticated mail.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>How long one message may take, connection included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
