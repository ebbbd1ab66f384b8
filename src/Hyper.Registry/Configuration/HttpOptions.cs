namespace Hyper.Registry.Configuration;

public sealed class HttpOptions
{
    /// <summary>Listen address, <c>host:port</c> or <c>:port</c> for every interface.</summary>
    public string Addr { get; set; } = ":5000";

    /// <summary>
    /// Prefix of the URLs the registry hands out in <c>Location</c> headers, when it sits behind a
    /// proxy under another name (Distribution's <c>http.host</c>). Empty means relative URLs.
    /// </summary>
    public string Host { get; set; } = string.Empty;
}
