using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json;

namespace Hyper.Distribution.Registry;

/// <summary>Turns what a registry answers (or fails to) into bodies read within limits and errors a user can act on.</summary>
internal static class RegistryResponses
{
    /// <summary>Error bodies are short; a longer one is not read further.</summary>
    private const int MaxErrorBodySize = 64 * 1024;

    /// <summary>The whole body, or null when it is longer than <paramref name="limit"/> bytes.</summary>
    public static async Task<byte[]?> ReadLimitedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength is { } declared && declared > limit)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new MemoryStream(content.Headers.ContentLength is { } length ? (int)length : 4096);
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    /// <summary>
    /// The error a failed answer means, e.g. "manifest unknown: 127.0.0.1:5000/app:v1 not found".
    /// <paramref name="subject"/> names what was asked for, as a user wrote it; a <c>Retry-After</c> longer than
    /// <paramref name="longestWait"/> is named too, as the reason the request is not tried again.
    /// </summary>
    public static async Task<RegistryClientException> ToExceptionAsync(
        HttpResponseMessage response, string subject, string? notFoundCode, TimeSpan longestWait, CancellationToken cancellationToken)
    {
        var (code, serverMessage) = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
        var status = response.StatusCode;
        code ??= status switch
        {
            HttpStatusCode.NotFound => notFoundCode,
            HttpStatusCode.Unauthorized => RegistryErrorCodes.Unauthorized,
            HttpStatusCode.Forbidden => RegistryErrorCodes.Denied,
            HttpStatusCode.TooManyRequests => RegistryErrorCodes.TooManyRequests,
            _ => null,
        };
        var words = code is null ? $"registry error {(int)status}" : code.ToLowerInvariant().Replace('_', ' ');
        // The registry's own message adds something only when it says more than the code and status.
        var says = string.IsNullOrWhiteSpace(serverMessage)
            || serverMessage.Trim().Equals(words, StringComparison.OrdinalIgnoreCase)
            || serverMessage.Trim().Equals("authentication required", StringComparison.OrdinalIgnoreCase)
            ? string.Empty
            : $" ({serverMessage.Trim()})";
        var message = status switch
        {
            HttpStatusCode.Unauthorized when BasicUserOf(response.RequestMessage) is { } user =>
                $"{words}: incorrect username or password: the registry refused user '{user}' for {subject}{says}; check the credentials or log in again",
            // The registry's words would only repeat the subject, less readably.
            HttpStatusCode.NotFound => $"{words}: {subject} not found",
            HttpStatusCode.Unauthorized => $"{words}: authentication required for {subject}{says}; log in to the registry or check the credentials",
            HttpStatusCode.Forbidden => $"{words}: access to {subject} is denied{says}",
            HttpStatusCode.TooManyRequests => $"{words}: the registry is rate-limiting requests for {subject}{says}; try again later",
            _ => $"{words}: {subject}: {(says.Length > 0 ? says[2..^1] : response.ReasonPhrase)} (HTTP {(int)status} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Path)})",
        };
        var retryAfter = RetryAfterOf(response);
        if (retryAfter > longestWait)
        {
            message += $"; the registry asks to wait {Seconds(retryAfter.Value)} before {response.RequestMessage?.Method} "
                + $"{response.RequestMessage?.RequestUri?.GetLeftPart(UriPartial.Path)} is tried again (Retry-After), longer than the {Seconds(longestWait)} this client waits at most";
        }

        return new RegistryClientException(message, code, status) { RetryAfter = retryAfter };
    }

    /// <summary>A wait as messages write it: <c>30 s</c>, <c>0.5 s</c>, <c>86400 s</c>.</summary>
    public static string Seconds(TimeSpan wait) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Math.Round(wait.TotalSeconds, 3)} s");

    /// <summary>The error for a request that got no answer: refused, unresolvable, TLS failure, time-out.</summary>
    public static RegistryClientException Unreachable(string registry, HttpRequestException exception, bool insecure)
    {
        var reason = exception.InnerException is SocketException socket
            ? socket.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData => "host not found",
                SocketError.TimedOut => "connection timed out",
                SocketError.NetworkUnreachable or SocketError.HostUnreachable => "network unreachable",
                _ => socket.Message,
            }
            : exception.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "host not found",
                HttpRequestError.SecureConnectionError when exception.InnerException is Transport.UntrustedCertificateException untrusted => untrusted.Message,
                HttpRequestError.SecureConnectionError when !insecure =>
                    $"TLS handshake failed ({(exception.InnerException as AuthenticationException)?.Message ?? exception.Message}); if it serves plain HTTP, list it among the insecure registries",
                _ => exception.Message,
            };
        return new RegistryClientException($"cannot reach registry {registry}: {reason}", RegistryErrorCodes.Unreachable, null, exception);
    }

    /// <summary>The wait <c>Retry-After</c> asks for, as seconds or as a date; never negative.</summary>
    private static TimeSpan? RetryAfterOf(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>The user a request sent with HTTP Basic, when it did: a 401 to it means the password is wrong.</summary>
    private static string? BasicUserOf(HttpRequestMessage? request)
    {
        if (request?.Headers.Authorization is not { Scheme: var scheme, Parameter: { } parameter }
            || !scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
            return decoded.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? decoded[..colon] : decoded;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static async Task<(string? Code, string? Message)> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await ReadLimitedAsync(response.Content, MaxErrorBodySize, cancellationToken).ConfigureAwait(false);
            if (body is not { Length: > 0 })
            {
                return (null, null);
            }

            var errors = JsonSerializer.Deserialize(body, RegistryJsonContext.Default.ErrorResponse);
            var first = errors?.Errors?.FirstOrDefault(e => !string.IsNullOrEmpty(e.Code));
            return (first?.Code?.ToUpperInvariant(), first?.Message);
        }
        catch (Exception e) when (e is JsonException or HttpRequestException or IOException)
        {
            // Not an OCI error body (a proxy's HTML page, say): the status alone has to do.
            return (null, null);
        }
    }
}
