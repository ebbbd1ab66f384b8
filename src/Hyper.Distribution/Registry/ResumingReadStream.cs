using Polly;

namespace Hyper.Distribution.Registry;

/// <summary>
/// Reads a download forward and, when the connection breaks, opens it again from the byte it stopped
/// at (<c>Range: bytes=N-</c>) instead of starting over. Whoever verifies the content wraps this stream,
/// so the hash covers the bytes before the break too.
/// </summary>
/// <remarks>
/// Each read is one try of <paramref name="retry"/>: a break waits, reopens and reads again; a read that
/// gets bytes starts the count afresh, so a flaky link that keeps making progress is never given up on.
/// </remarks>
/// <param name="first">The content from byte 0; disposed with this stream.</param>
/// <param name="reopen">Opens the content from a byte offset.</param>
/// <param name="retry">When and how long to wait before reopening.</param>
internal sealed class ResumingReadStream(Stream first, Func<long, CancellationToken, Task<Stream>> reopen, ResiliencePipeline retry) : Stream
{
    private Stream? _current = first;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        retry.ExecuteAsync(
            static (state, token) => state.Stream.ReadOnceAsync(state.Buffer, token),
            (Stream: this, Buffer: buffer),
            cancellationToken);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Dispose();
            _current = null;
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await DropCurrentAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private async ValueTask<int> ReadOnceAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            if (_current is null)
            {
                _current = await reopen(_position, cancellationToken).ConfigureAwait(false);
            }

            var read = await _current.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            _position += read;
            return read;
        }
        catch (Exception e) when (TransientFailureRetry.IsTransient(e, cancellationToken))
        {
            // The next try reopens from what has arrived.
            await DropCurrentAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask DropCurrentAsync()
    {
        if (_current is { } current)
        {
            _current = null;
            await current.DisposeAsync().ConfigureAwait(false);
        }
    }
}
