namespace Hyper.Registry.Configuration;

/// <summary>
/// How long a connection may stall (<c>http.timeout.*</c>). Distribution sets no timeouts at all, so these
/// keys are hyperregistry's own, named after the Go server fields (ReadTimeout, WriteTimeout, IdleTimeout)
/// whose role they play. Go durations; <c>0</c> switches one off.
/// </summary>
public sealed class HttpTimeoutOptions
{
    /// <summary>
    /// Time to send a request's headers, and how long a request body may stay below
    /// <see cref="HttpOptions.MinDataRate"/> before the connection is closed.
    /// </summary>
    public string Read { get; set; } = "30s";

    /// <summary>How long a response may stay below <see cref="HttpOptions.MinDataRate"/> before the connection is closed.</summary>
    public string Write { get; set; } = "30s";

    /// <summary>How long a kept-alive connection may wait for its next request.</summary>
    public string Idle { get; set; } = "2m";
}
