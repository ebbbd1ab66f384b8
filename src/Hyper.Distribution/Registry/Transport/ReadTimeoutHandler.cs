using System.Net;

using Hyper.Distribution.Content;

namespace Hyper.Distribution.Registry.Transport;

/// <summary>
/// Fails a request that goes <paramref name="timeout"/> without a byte moving (<see cref="RegistryClientOptions.ReadTimeout"/>):
/// while its body is sent, while the answer's headers are awaited, and while the answer's body is read. Each byte
/// that moves starts the time afresh, so a large layer may take hours as long as it flows; a registry that accepted
/// the connection and went silent is given up on with a <see cref="RegistryErrorCodes.Timeout"/> error that names
/// the request, the host and the time waited, and is retried as a broken connection is.
/// </summary>
/// <remarks>
/// SocketsHttpHandler has a connect timeout but nothing for a peer that stops mid-request, and HttpClient's own
/// timeout covers the whole request, which would cut long downloads; hence this handler.
/// </remarks>
internal sealed class ReadTimeoutHandler(TimeSpan timeout) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var uri = request.RequestUri ?? throw new InvalidOperationException("a registry request needs an absolute address");
        var what = $"{request.Method} {uri.GetLeftPart(UriPartial.Path)}";
        var waited = $"{RegistryResponses.Seconds(timeout)} (the read timeout)";
        var body = request.Content;
        HttpResponseMessage response;
        using (var watch = new IdleWatch(timeout, cancellationToken))
        {
            var watched = body is null ? null : new WatchedRequestContent(body, watch);
            request.Content = watched;
            try
            {
                response = await base.SendAsync(request, watch.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (watch.Expired && e is OperationCanceledException or HttpRequestException or IOException)
            {
                throw watched is { Completed: false, Sent: var sent }
                    ? Stalled($"registry {uri.Authority} stopped taking the body of {what} after {sent} bytes: nothing moved for {waited}", e)
                    : Stalled($"no answer from registry {uri.Authority} to {what}: nothing arrived for {waited}", e);
            }
            finally
            {
                // The callers above (a resend after an auth challenge) see the body they set.
                request.Content = body;
            }
        }

        response.Content = new WatchedResponseContent(
            response.Content,
            timeout,
            (received, e) => Stalled($"registry {uri.Authority} stopped sending the answer to {what} after {received} bytes: nothing arrived for {waited}", e));
        return response;
    }

    private static RegistryClientException Stalled(string message, Exception inner) =>
        new(message, RegistryErrorCodes.Timeout, null, inner);

    private static void CopyHeaders(HttpContent from, HttpContent to)
    {
        foreach (var header in from.Headers)
        {
            to.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    /// <summary>A token cancelled once nothing has moved for the timeout; each <see cref="Touch"/> starts the time again.</summary>
    private sealed class IdleWatch : IDisposable
    {
        private readonly TimeSpan _timeout;
        private readonly CancellationToken _outer;
        private readonly CancellationTokenSource _idle;

        public IdleWatch(TimeSpan timeout, CancellationToken outer)
        {
            _timeout = timeout;
            _outer = outer;
            _idle = CancellationTokenSource.CreateLinkedTokenSource(outer);
            _idle.CancelAfter(timeout);
        }

        public CancellationToken Token => _idle.Token;

        /// <summary>True when the time ran out, not the caller's patience.</summary>
        public bool Expired => _idle.IsCancellationRequested && !_outer.IsCancellationRequested;

        public void Touch()
        {
            try
            {
                _idle.CancelAfter(_timeout);
            }
            catch (ObjectDisposedException)
            {
                // A body still being written after its answer came (a registry that answered early).
            }
        }

        public void Dispose() => _idle.Dispose();
    }

    /// <summary>The request's body as it was, with every write to the connection touching the watch.</summary>
    private sealed class WatchedRequestContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly IdleWatch _watch;
        private long _sent;

        public WatchedRequestContent(HttpContent inner, IdleWatch watch)
        {
            _inner = inner;
            _watch = watch;
            CopyHeaders(inner, this);
        }

        public long Sent => Interlocked.Read(ref _sent);

        public bool Completed { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            Completed = false;
            await _inner.CopyToAsync(new WriteWatchingStream(stream, this), context, cancellationToken).ConfigureAwait(false);
            Completed = true;
            _watch.Touch();
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            var known = _inner.Headers.ContentLength;
            length = known ?? 0;
            return known is not null;
        }

        private void Wrote(int count)
        {
            Interlocked.Add(ref _sent, count);
            _watch.Touch();
        }

        private sealed class WriteWatchingStream(Stream connection, WatchedRequestContent content) : Stream
        {
            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => throw new NotSupportedException();

            public override long Position
            {
                get => throw new NotSupportedException();
                set => throw new NotSupportedException();
            }

            public override void Flush() => connection.Flush();

            public override Task FlushAsync(CancellationToken cancellationToken) => connection.FlushAsync(cancellationToken);

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count)
            {
                connection.Write(buffer, offset, count);
                content.Wrote(count);
            }

            public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

            public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                await connection.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
                content.Wrote(buffer.Length);
            }
        }
    }

    /// <summary>The answer's body, read through <see cref="IdleReadStream"/>.</summary>
    private sealed class WatchedResponseContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly TimeSpan _timeout;
        private readonly Func<long, Exception, Exception> _stalled;

        public WatchedResponseContent(HttpContent inner, TimeSpan timeout, Func<long, Exception, Exception> stalled)
        {
            _inner = inner;
            _timeout = timeout;
            _stalled = stalled;
            CopyHeaders(inner, this);
        }

        protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
            new IdleReadStream(await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), _timeout, _stalled);

        protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var content = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (content.ConfigureAwait(false))
            {
                await content.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Each read gets the timeout to bring at least one byte.</summary>
    private sealed class IdleReadStream(Stream inner, TimeSpan timeout, Func<long, Exception, Exception> stalled) : PassThroughReadStream(inner)
    {
        private long _received;

        public override long Position => _received;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            idle.CancelAfter(timeout);
            try
            {
                var read = await Inner.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
                _received += read;
                return read;
            }
            catch (Exception e) when (idle.IsCancellationRequested && !cancellationToken.IsCancellationRequested && e is OperationCanceledException or IOException)
            {
                throw stalled(_received, e);
            }
        }
    }
}
