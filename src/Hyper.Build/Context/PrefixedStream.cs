namespace Hyper.Build.Context;

/// <summary>
/// A read-only stream that first replays bytes already taken from another stream, so the start of
/// standard input can be inspected (compression, tar header) without being able to seek it. The
/// other stream stays open: it belongs to whoever passed it in.
/// </summary>
internal sealed class PrefixedStream(byte[] prefix, int prefixLength, Stream inner) : Stream
{
    private int offset;
    private long innerRead;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    /// <summary>How many bytes were read so far. SharpCompress's xz decoder asks for it to find block padding.</summary>
    public override long Position
    {
        get => offset + innerRead;
        set => throw new NotSupportedException();
    }

    /// <summary>Reads up to <paramref name="count"/> bytes from the start of <paramref name="source"/> and returns them with a stream that still yields everything.</summary>
    public static async Task<(byte[] Start, int Length, Stream Stream)> PeekAsync(Stream source, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        var filled = await source.ReadAtLeastAsync(buffer, count, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return (buffer, filled, new PrefixedStream(buffer, filled, source));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (offset < prefixLength)
        {
            var replayed = Math.Min(buffer.Length, prefixLength - offset);
            prefix.AsSpan(offset, replayed).CopyTo(buffer);
            offset += replayed;
            return replayed;
        }

        var read = inner.Read(buffer);
        innerRead += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (offset < prefixLength)
        {
            return Read(buffer.Span);
        }

        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        innerRead += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
