using System.Net;

using Hyper.Oci;

using Polly;
using Polly.Retry;

namespace Hyper.Distribution.Registry;

/// <summary>
/// The one retry policy of the registry client: exponential backoff with jitter on what a real network
/// and a busy registry throw at a client (5xx, 429, 408, broken and refused connections), and the wait a
/// registry asks for with <c>Retry-After</c> when it names one, up to <see cref="RegistryClientOptions.MaxRetryAfter"/>:
/// a registry asking for longer is not tried again at all.
/// </summary>
/// <remarks>
/// Polly.Core rather than a hand-written loop: it has no dependencies on net10.0, is annotated
/// AOT-compatible (this project builds with IsAotCompatible and warnings as errors), and its jittered
/// backoff avoids the thundering herd of parallel uploads retrying in step.
/// </remarks>
internal static class TransientFailureRetry
{
    public static ResiliencePipeline Create(RegistryClientOptions options) =>
        options.MaxRetries <= 0
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e
                    && IsTransient(e, args.Context.CancellationToken)
                    && !(e is RegistryClientException { RetryAfter: { } after } && after > options.MaxRetryAfter)),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is RegistryClientException { RetryAfter: { } after } ? after : (TimeSpan?)null),
            }).Build();

    /// <summary>True when trying the same again later may well work.</summary>
    public static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        _ when cancellationToken.IsCancellationRequested => false,
        RegistryClientException { StatusCode: { } status } =>
            status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
            || ((int)status >= 500 && status is not (HttpStatusCode.NotImplemented or HttpStatusCode.HttpVersionNotSupported)),
        // A name that does not resolve or a TLS setup that fails will do so again in a second.
        RegistryClientException { ErrorCode: RegistryErrorCodes.Unreachable } e =>
            e.InnerException is not HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError },
        // A connection that went silent; a new one may well not.
        RegistryClientException { ErrorCode: RegistryErrorCodes.Timeout } => true,
        RegistryClientException => false,

        // Corrupt content stays corrupt however often it is fetched.
        DigestMismatchException => false,
        HttpRequestException or IOException or TimeoutException => true,

        // Not the caller's cancellation, so a time-out somewhere below.
        OperationCanceledException => true,
        _ => false,
    };
}
