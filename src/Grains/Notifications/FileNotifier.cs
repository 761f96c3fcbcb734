using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Scheduling.Grains.Notifications;

/// <summary>
/// The default notifier: nothing is sent; each message becomes one .eml file (RFC 5322) in
/// <c>Notifications:Directory</c>, which any mail client opens. Good for development and for
/// deployments that have not configured a mail server yet: nothing is lost, nothing leaves the machine.
/// </summary>
public sealed partial class FileNotifier : INotifier
{
    private readonly NotificationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FileNotifier> _logger;

    public FileNotifier(IOptions<NotificationOptions> options, TimeProvider time, ILogger<FileNotifier> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        Directory = _options.ResolveDirectory();
        LogDirectory(_logger, Directory);
    }

    /// <summary>Where the files go.</summary>
    public string Directory { get; }

    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var content = EmailFile.Format(message, _options.From, now);
        System.IO.Directory.CreateDirectory(Directory);

        // Written under a temporary name and then renamed, so whoever watches the folder never reads half a message.
        var name = $"{now.ToString("yyyyMMdd'T'HHmmssfff", CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}.eml";
        var path = Path.Combine(Directory, name);
        var partial = path + ".partial";
        await File.WriteAllTextAsync(partial, content, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), cancellationToken);
        File.Move(partial, path);
        LogWritten(_logger, path);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail notifications are written as .eml files to {Directory}")]
    private static partial void LogDirectory(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail written to {Path}")]
    private static partial void LogWritten(ILogger logger, string path);
}
