using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Hyper.Build.Tests.Context;

/// <summary>Builds context tarballs in memory, including the hostile ones a builder must refuse.</summary>
internal sealed class Tarball
{
    private readonly MemoryStream _buffer = new();
    private readonly TarWriter _writer;

    public Tarball()
    {
        _writer = new TarWriter(_buffer, TarEntryFormat.Pax, leaveOpen: true);
    }

    public Tarball File(string name, string content, UnixFileMode mode = (UnixFileMode)0b110_100_100)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
            Mode = mode,
            ModificationTime = new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero),
        });
        return this;
    }

    public Tarball Directory(string name, UnixFileMode mode = (UnixFileMode)0b111_101_101)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name) { Mode = mode });
        return this;
    }

    public Tarball SymbolicLink(string name, string target)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target });
        return this;
    }

    public Tarball HardLink(string name, string target)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target });
        return this;
    }

    /// <summary>Any entry as it is (owners, odd types).</summary>
    public Tarball Entry(TarEntry entry)
    {
        _writer.WriteEntry(entry);
        return this;
    }

    public Tarball Fifo(string name)
    {
        _writer.WriteEntry(new PaxTarEntry(TarEntryType.Fifo, name));
        return this;
    }

    public MemoryStream Plain()
    {
        _writer.Dispose();
        return new MemoryStream(_buffer.ToArray());
    }

    public MemoryStream Gzip()
    {
        var plain = Plain().ToArray();
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        compressed.Position = 0;
        return compressed;
    }

    public MemoryStream Zstd()
    {
        var plain = Plain().ToArray();
        using var compressor = new ZstdSharp.Compressor();
        return new MemoryStream(compressor.Wrap(plain).ToArray());
    }
}
