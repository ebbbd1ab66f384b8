namespace Hyper.Oci;

/// <summary>
/// Reads a blob forward while hashing it, and throws <see cref="DigestMismatchException"/> when the
/// end is reached and the bytes (or their count) are not what the digest promised.
/// </summary>
/// <remarks>
/// Length and Position are passed through and <see cref="CanSeek"/> mirrors the file, because
/// TarWriter needs a length to write an entry header before its data (and refuses an unseekable
/// data stream on an unseekable archive). Moving the position is refused: the hash would be wrong.
/// </remarks>
public sealed class VerifyingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly DigestHasher _hasher;
    private readonly Digest _expected;
    private readonly long? _expectedSize;
    private readonly string _what;
    private bool _verified;

    /// <param name="inner">The content; disposed with this stream.</param>
    /// <param name="expected">The digest the content must hash to.</param>
    /// <param name="expectedSize">The exact length, when known; longer content fails as soon as it is read.</param>
    /// <param name="what">What the content is, for the error message, e.g. "blob sha256:… of example.com/app".</param>
    public VerifyingReadStream(Stream inner, Digest expected, long? expectedSize, string what)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentException.ThrowIfNullOrEmpty(what);
        _inner = inner;
        _expected = expected;
        _expectedSize = expectedSize;
        _what = what;
        _hasher = new DigestHasher(expected.Algorithm);
    }

    public override bool CanRead => true;

    /// <summary>True when this stream already fails on content that does not hash to <paramref name="expected"/>.</summary>
    internal bool Checks(Digest expected) => _expected == expected;

    public override bool CanSeek => _inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        return Account(buffer[..read], buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..read], buffer.Length);
    }

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    /// <summary>Reads whatever is left and verifies; for readers that stop at a known length.</summary>
    public async Task VerifyToEndAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[DigestHasher.CopyBufferSize];
        while (await ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _inner.Position + offset,
            _ => _inner.Length + offset,
        };
        return target == _inner.Position
            ? target
            : throw new NotSupportedException($"{_what} is verified while it is read, so it can only be read forward");
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _hasher.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        _hasher.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Hashes what was read; at the end of the stream, verifies.</summary>
    /// <remarks>
    /// Only a read that asked for bytes and got none is the end: a zero-length read (TarReader issues one after
    /// each entry's data) returns 0 whatever is left.
    /// </remarks>
    private int Account(ReadOnlySpan<byte> data, int asked)
    {
        if (data.Length > 0)
        {
            _hasher.Append(data);
            if (_expectedSize is { } limit && _hasher.Length > limit)
            {
                throw new DigestMismatchException(_expected, null, $"{_what} is longer than the {limit} bytes its descriptor says");
            }
        }
        else if (asked > 0 && !_verified)
        {
            Verify();
        }

        return data.Length;
    }

    private void Verify()
    {
        if (_expectedSize is { } size && _hasher.Length != size)
        {
            throw new DigestMismatchException(_expected, null, $"{_what} is {_hasher.Length} bytes, but its descriptor says {size}");
        }

        var actual = _hasher.GetDigest();
        if (actual != _expected)
        {
            throw new DigestMismatchException(_expected, actual, $"{_what} is corrupt: its content hashes to {actual}, not {_expected}");
        }

        _verified = true;
    }
}
