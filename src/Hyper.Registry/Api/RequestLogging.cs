using System.Diagnostics;

namespace Hyper.Registry.Api;

/// <summary>One structured log line per request: method, path, status, bytes each way and duration.</summary>
public sealed partial class RequestLogging(RequestDelegate next, ILogger<RequestLogging> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                LogRequest(
                    logger,
                    context.Request.Method,
                    context.Request.Path,
                    context.Response.StatusCode,
                    context.Request.ContentLength ?? 0,
                    context.Response.ContentLength ?? 0,
                    elapsed.TotalMilliseconds);
            }
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information,
        Message = "{Method} {Path} {Status} in={RequestBytes} out={ResponseBytes} {DurationMs:0.0}ms")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, long requestBytes, long responseBytes, double durationMs);
}
