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

    public HttpTimeoutOptions Timeout { get; } = new();

    /// <summary>
    /// Bytes per second a request body and a response must average once their timeout has passed
    /// (<c>http.mindatarate</c>, hyperregistry's own); <c>0</c> lets a transfer stall forever.
    /// </summary>
    public long MinDataRate { get; set; } = 240;

    /// <summary>
    /// Most connections served at once (<c>http.maxconnections</c>, hyperregistry's own); more are closed
    /// on arrival. Null: a quarter of the file descriptors free at start (open-file limit minus those open),
    /// since a connection that uploads holds two (socket and file). <c>0</c>: no limit.
    /// </summary>
    public long? MaxConnections { get; set; }
}
