namespace Scheduling.Grains.Links;

/// <summary>
/// Where clients open self-service links (section <c>Links</c>): e-mails are written by grains and workers,
/// which have no request to take the host from, so the public address of the booking pages is configured.
/// </summary>
public sealed class SelfServiceLinkOptions
{
    public const string SectionName = "Links";

    /// <summary>The address clients reach the API host's pages at (behind nginx: nginx's public address).</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";
}
