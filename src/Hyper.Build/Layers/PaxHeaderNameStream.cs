using System.Buffers.Binary;
using System.Text;

namespace Hyper.Build.Layers;

/// <summary>
/// Sits under a <see cref="System.Formats.Tar.TarWriter"/> and gives every PAX extended header
/// block the same fixed name.
/// </summary>
/// <remarks>
/// .NET names those blocks <c>{temp dir}/PaxHeaders.{process id}/{entry name}</c>, so the same
/// files would give different layer bytes (and digests) in every build process. Readers ignore
/// the name of an extended header, so a constant is as good as any. The stream follows the tar
/// framing itself: a 512-byte header, then its data rounded up to whole blocks, then the next header.
/// </remarks>
internal sealed class PaxHeaderNameStream(Stream inner) : Stream
{
    /// <summary>The name every extended header gets; Go's archive/tar uses the same directory name.</summary>
    public const string FixedName = "PaxHeaders.0/entry";

    private const int BlockSize = 512;
    private const int NameLength = 100;
    private const int ChecksumOffset = 148;
    private const int ChecksumLength = 8;
    private const int TypeFlagOffset = 156;
    private const int SizeOffset = 124;
    private const int SizeLength = 12;

    private readonly byte[] _header = new byte[BlockSize];
    private int _headerFilled;
    private long _dataRemaining;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_dataRemaining > 0)
            {
                var take = (int)Math.Min(_dataRemaining, buffer.Length);
                inner.Write(buffer[..take]);
                _dataRemaining -= take;
                buffer = buffer[take..];
                continue;
            }

            var copy = Math.Min(BlockSize - _headerFilled, buffer.Length);
            buffer[..copy].CopyTo(_header.AsSpan(_headerFilled));
            _headerFilled += copy;
            buffer = buffer[copy..];
            if (_headerFilled == BlockSize)
            {
                CompleteHeader();
                inner.Write(_header);
            }
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            if (_dataRemaining > 0)
            {
                var take = (int)Math.Min(_dataRemaining, buffer.Length);
                await inner.WriteAsync(buffer[..take], cancellationToken).ConfigureAwait(false);
                _dataRemaining -= take;
                buffer = buffer[take..];
                continue;
            }

            var copy = Math.Min(BlockSize - _headerFilled, buffer.Length);
            buffer.Span[..copy].CopyTo(_header.AsSpan(_headerFilled));
            _headerFilled += copy;
            buffer = buffer[copy..];
            if (_headerFilled == BlockSize)
            {
                CompleteHeader();
                await inner.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Renames an extended header, and notes how much data follows the header just completed.</summary>
    private void CompleteHeader()
    {
        _headerFilled = 0;
        var header = _header.AsSpan();
        var type = header[TypeFlagOffset];
        if (type is (byte)'x' or (byte)'g')
        {
            header[..NameLength].Clear();
            Encoding.ASCII.GetBytes(FixedName, header);
            WriteChecksum(header);
        }

        var size = ParseSize(header.Slice(SizeOffset, SizeLength));
        _dataRemaining = (size + BlockSize - 1) / BlockSize * BlockSize;
    }

    private static void WriteChecksum(Span<byte> header)
    {
        header.Slice(ChecksumOffset, ChecksumLength).Fill((byte)' ');
        var sum = 0;
        foreach (var b in header)
        {
            sum += b;
        }

        // The classic layout: six octal digits, NUL, space.
        var digits = Convert.ToString(sum, 8).PadLeft(6, '0');
        Encoding.ASCII.GetBytes(digits, header[ChecksumOffset..]);
        header[ChecksumOffset + 6] = 0;
        header[ChecksumOffset + 7] = (byte)' ';
    }

    private static long ParseSize(ReadOnlySpan<byte> field)
    {
        // Sizes beyond the 11 octal digits are stored base-256, flagged by the top bit.
        if ((field[0] & 0x80) != 0)
        {
            return BinaryPrimitives.ReadInt64BigEndian(field[^8..]);
        }

        long size = 0;
        foreach (var b in field.TrimStart((byte)' '))
        {
            if (b is < (byte)'0' or > (byte)'7')
            {
                // NUL or space ends the number.
                break;
            }

            size = (size * 8) + (b - '0');
        }

        return size;
    }
}
