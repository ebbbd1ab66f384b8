using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Hyper.Build.Layers;

/// <summary>
/// Sits under a <see cref="System.Formats.Tar.TarWriter"/> and repairs two things in its PAX
/// extended headers that TarWriter cannot be told to do differently.
/// </summary>
/// <remarks>
/// <para>Names: .NET names extended header blocks <c>./PaxHeaders.{process id}/{entry}</c>, so the
/// same files would give different layer bytes (and digests) in every build process. Readers ignore
/// that name, so every one gets <see cref="FixedName"/>.</para>
/// <para>Binary values: TarWriter takes record values as strings and writes them as UTF-8, but
/// xattrs such as <c>security.capability</c> are raw bytes. The writer hands those over as
/// <see cref="BinaryRecordPrefix"/><c>key=base64</c>; here they become <c>key=raw bytes</c>, as
/// GNU tar and Go's archive/tar write them, with length prefixes and header size recomputed.</para>
/// The stream follows the tar framing itself: a 512-byte header, then its data rounded up to
/// whole blocks, then the next header.
/// </remarks>
internal sealed class PaxHeaderStream(Stream inner) : Stream
{
    /// <summary>The name every extended header gets.</summary>
    public const string FixedName = "PaxHeaders.0/entry";

    /// <summary>Marks a record whose value is base64 for bytes that are to be written raw.</summary>
    public const string BinaryRecordPrefix = "HYPER.base64.";

    private const int BlockSize = 512;
    private const int NameLength = 100;
    private const int SizeOffset = 124;
    private const int SizeLength = 12;
    private const int ChecksumOffset = 148;
    private const int ChecksumLength = 8;
    private const int TypeFlagOffset = 156;

    private readonly byte[] _header = new byte[BlockSize];
    private int _headerFilled;
    private long _dataRemaining;

    /// <summary>An extended header's data, held until complete so its records can be rewritten.</summary>
    private byte[]? _extended;
    private int _extendedFilled;
    private long _extendedSize;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        ReadOnlyMemory<byte> input = buffer.AsMemory(offset, count);
        while (!input.IsEmpty)
        {
            var consumed = Step(input, out var emit);
            inner.Write(emit.Span);
            input = input[consumed..];
        }
    }

    public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            var consumed = Step(buffer, out var emit);
            if (!emit.IsEmpty)
            {
                await inner.WriteAsync(emit, cancellationToken).ConfigureAwait(false);
            }

            buffer = buffer[consumed..];
        }
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Takes some of <paramref name="input"/>; returns how much, and what is ready to pass on.</summary>
    private int Step(ReadOnlyMemory<byte> input, out ReadOnlyMemory<byte> emit)
    {
        emit = ReadOnlyMemory<byte>.Empty;
        if (_dataRemaining > 0)
        {
            var take = (int)Math.Min(_dataRemaining, input.Length);
            _dataRemaining -= take;
            emit = input[..take];
            return take;
        }

        if (_extended is not null)
        {
            var copy = Math.Min(_extended.Length - _extendedFilled, input.Length);
            input.Span[..copy].CopyTo(_extended.AsSpan(_extendedFilled));
            _extendedFilled += copy;
            if (_extendedFilled == _extended.Length)
            {
                emit = RewriteExtended(_extended.AsSpan(0, (int)_extendedSize));
                _extended = null;
            }

            return copy;
        }

        var headerCopy = Math.Min(BlockSize - _headerFilled, input.Length);
        input.Span[..headerCopy].CopyTo(_header.AsSpan(_headerFilled));
        _headerFilled += headerCopy;
        if (_headerFilled < BlockSize)
        {
            return headerCopy;
        }

        _headerFilled = 0;
        var size = ParseSize(_header.AsSpan(SizeOffset, SizeLength));
        var padded = (size + BlockSize - 1) / BlockSize * BlockSize;
        if (_header[TypeFlagOffset] is (byte)'x' or (byte)'g')
        {
            _header.AsSpan(0, NameLength).Clear();
            Encoding.ASCII.GetBytes(FixedName, _header);
            WriteChecksum(_header);
        }

        if (_header[TypeFlagOffset] == (byte)'x' && size > 0)
        {
            _extended = new byte[padded];
            _extendedFilled = 0;
            _extendedSize = size;
            return headerCopy;
        }

        _dataRemaining = padded;
        emit = _header;
        return headerCopy;
    }

    /// <summary>The held header and its data, binary records restored to raw bytes.</summary>
    private byte[] RewriteExtended(ReadOnlySpan<byte> data)
    {
        var records = new MemoryStream();
        var position = 0;
        while (position < data.Length)
        {
            var space = data[position..].IndexOf((byte)' ');
            var length = int.Parse(Encoding.ASCII.GetString(data.Slice(position, space)), CultureInfo.InvariantCulture);
            var record = data.Slice(position, length);
            position += length;

            var body = record[(space + 1)..^1];
            var equals = body.IndexOf((byte)'=');
            var key = Encoding.UTF8.GetString(body[..equals]);
            if (!key.StartsWith(BinaryRecordPrefix, StringComparison.Ordinal))
            {
                records.Write(record);
                continue;
            }

            var value = Convert.FromBase64String(Encoding.ASCII.GetString(body[(equals + 1)..]));
            WriteRecord(records, Encoding.UTF8.GetBytes(key[BinaryRecordPrefix.Length..]), value);
        }

        var newSize = records.Length;
        var padded = (newSize + BlockSize - 1) / BlockSize * BlockSize;
        var result = new byte[BlockSize + padded];
        _header.CopyTo(result, 0);
        var sizeField = result.AsSpan(SizeOffset, SizeLength);
        sizeField.Clear();
        Encoding.ASCII.GetBytes(Convert.ToString(newSize, 8).PadLeft(SizeLength - 1, '0'), sizeField);
        WriteChecksum(result.AsSpan(0, BlockSize));
        records.ToArray().CopyTo(result, BlockSize);
        return result;
    }

    /// <summary>Writes <c>"{length} {key}={value}\n"</c>, where length counts its own digits too.</summary>
    private static void WriteRecord(Stream output, byte[] key, byte[] value)
    {
        var rest = 1 + key.Length + 1 + value.Length + 1;
        var length = rest + 1;
        while (length.ToString(CultureInfo.InvariantCulture).Length + rest != length)
        {
            length = length.ToString(CultureInfo.InvariantCulture).Length + rest;
        }

        output.Write(Encoding.ASCII.GetBytes(length.ToString(CultureInfo.InvariantCulture) + " "));
        output.Write(key);
        output.WriteByte((byte)'=');
        output.Write(value);
        output.WriteByte((byte)'\n');
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
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0'), header[ChecksumOffset..]);
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
