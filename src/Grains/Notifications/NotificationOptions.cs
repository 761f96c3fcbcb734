namespace Scheduling.Grains.Notifications;

/// <summary>Notification settings (section "Notifications").</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>Where <see cref="FileNotifier"/> writes its .eml files; default <c>scheduling-mail</c> under the system temp directory.</summary>
    public string? Directory { get; set; }

    /// <summary>The sender of messages that do not name one.</summary>
    public string From { get; set; } = "no-reply@localhost";

    public string ResolveDirectory() =>
        string.IsNullOrWhiteSpace(Directory) ? Path.Combine(Path.GetTempPath(), "scheduling-mail") : Path.GetFullPath(Directory);
}
