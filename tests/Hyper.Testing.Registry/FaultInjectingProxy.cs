using System.Collections.Concurrent;

using Microsoft.AspNetCore.Http;

namespace Hyper.Testing.Registry;

/// <summary>
/// Stands between a client and a real registry on 127.0.0.1, passes requests on, records what the registry
/// got, and misbehaves as real networks do when asked: drops the connection in the middle of an upload chunk
/// (<see cref="DropUploadAfter"/>) or a blob download (<see cref="DropDownloadAfter"/>), and answers every
/// <see cref="FailEvery"/>-th request itself with 503 or 429 (<c>Retry-After: 0</c> or <c>1</c>).
/// </summary>
public sealed class FaultInjectingProxy : IAsyncDisposable
{
    private readonly HttpClient _upstream;
    private LoopbackHttpHost? _host;
    private int _requestCount;
    private int _uploadDropped;
    private int _downloadDropped;

    private FaultInjectingProxy(HttpClient upstream) => _upstream = upstream;

    /// <summary>host:port, for references.</summary>
    public string HostAndPort => _host?.HostAndPort ?? string.Empty;

    /// <summary>Once: the first PATCH with more body than this passes only this many bytes on, then the connection is cut.</summary>
    public long? DropUploadAfter { get; set; }

    /// <summary>Once: the first blob GET with more body than this sends only this many bytes, then the connection is cut.</summary>
    public long? DropDownloadAfter { get; set; }

    /// <summary>Every n-th request is answered by the proxy with 503 or 429 (alternately) instead of the registry; 0 for never.</summary>
    public int FailEvery { get; set; }

    private readonly ConcurrentQueue<ForwardedRequest> _requests = new();

    /// <summary>Requests being handled: one is recorded only after its response went out, so the client can see it first.</summary>
    private int _inFlight;

    public static async Task<FaultInjectingProxy> StartAsync(RunningRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var proxy = new FaultInjectingProxy(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = registry.BaseAddress });
        proxy._host = await LoopbackHttpHost.StartAsync(proxy.ForwardAsync);
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _upstream.Dispose();
    }

    /// <summary>
    /// What reached the registry (or was answered by the proxy), in order, once every request that has arrived
    /// is recorded: a client that has its response may otherwise look before the proxy wrote its record.
    /// </summary>
    public async Task<IReadOnlyList<ForwardedRequest>> SettledRequestsAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Volatile.Read(ref _inFlight) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        return [.. _requests];
    }

    /// <summary>Forgets the requests so far, once they are all recorded (see <see cref="SettledRequestsAsync"/>).</summary>
    public async Task ClearRequestsAsync()
    {
        await SettledRequestsAsync();
        _requests.Clear();
    }

    private async Task ForwardAsync(HttpContext context)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await ForwardRecordedAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task ForwardRecordedAsync(HttpContext context)
    {
        var method = context.Request.Method;
        var target = context.Request.Path + context.Request.QueryString;
        var contentRange = context.Request.Headers.ContentRange.ToString();
        var range = context.Request.Headers.Range.ToString();
        var count = Interlocked.Increment(ref _requestCount);
        if (FailEvery > 0 && count % FailEvery == 0)
        {
            var busy = count / FailEvery % 2 == 1;
            _requests.Enqueue(new ForwardedRequest(method, target, contentRange, range, 0, 0, busy ? 503 : 429));
            context.Response.StatusCode = busy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = busy ? "0" : "1";
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(method), target);
        request.Headers.TryAddWithoutValidation("Accept", context.Request.Headers.Accept.ToArray());
        if (range.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("Range", range);
        }

        var body = await ReadBodyAsync(context.Request);
        var cutUpload = method == "PATCH" && body.Length > DropUploadAfter && Interlocked.Exchange(ref _uploadDropped, 1) == 0;
        if (cutUpload)
        {
            // The registry gets a clean, shorter chunk: as if the connection broke after these bytes.
            var start = long.Parse(contentRange.Split('-')[0], System.Globalization.CultureInfo.InvariantCulture);
            body = body[..(int)DropUploadAfter!.Value];
            contentRange = $"{start}-{start + body.Length - 1}";
        }

        if (body.Length > 0 || method is "PUT" or "PATCH" or "POST")
        {
            request.Content = new ByteArrayContent(body);
            if (context.Request.ContentType is { } type)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
            }

            if (contentRange.Length > 0)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Range", contentRange);
            }
        }

        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        if (cutUpload)
        {
            _requests.Enqueue(new ForwardedRequest(method, target, contentRange, range, body.Length, 0, (int)response.StatusCode));
            context.Abort();
            return;
        }

        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            if (!header.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[header.Key] = header.Value.ToArray();
            }
        }

        var isBlobDownload = method == "GET" && target.Contains("/blobs/sha", StringComparison.Ordinal);
        var limit = isBlobDownload && response.Content.Headers.ContentLength > DropDownloadAfter && Interlocked.Exchange(ref _downloadDropped, 1) == 0
            ? DropDownloadAfter!.Value
            : long.MaxValue;
        var sent = await CopyAsync(await response.Content.ReadAsStreamAsync(context.RequestAborted), context.Response, limit, context.RequestAborted);
        _requests.Enqueue(new ForwardedRequest(method, target, contentRange, range, body.Length, sent, (int)response.StatusCode));
        if (limit != long.MaxValue)
        {
            context.Abort();
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<long> CopyAsync(Stream from, HttpResponse to, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        long sent = 0;
        int read;
        while (sent < limit && (read = await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - sent)), cancellationToken)) > 0)
        {
            await to.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            sent += read;
        }

        await to.Body.FlushAsync(cancellationToken);
        return sent;
    }

    /// <summary>One request as the registry saw it: body bytes passed on, response bytes sent back, status.</summary>
    public sealed record ForwardedRequest(string Method, string Target, string ContentRange, string Range, long BodyBytes, long ResponseBytes, int Status);
}
