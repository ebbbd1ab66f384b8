using System.Net;

namespace Hyper.Distribution.Registry;

/// <summary>
/// A registry refused a request, answered something unusable, or could not be reached. The message
/// is complete for a user ("manifest unknown: 127.0.0.1:5000/app:v1 not found"); no stack trace is
/// needed to act on it.
/// </summary>
public sealed class RegistryClientException : Exception
{
    public RegistryClientException(string message, string? errorCode = null, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        StatusCode = statusCode;
    }

    /// <summary>
    /// The distribution-spec error code, e.g. <c>MANIFEST_UNKNOWN</c>, when the registry sent one (or
    /// its status implies one); see <see cref="RegistryErrorCodes"/>.
    /// </summary>
    public string? ErrorCode { get; }

    /// <summary>The HTTP status, when the registry answered at all.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>How long the registry asked to be left alone (<c>Retry-After</c> on a 429 or 503), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
