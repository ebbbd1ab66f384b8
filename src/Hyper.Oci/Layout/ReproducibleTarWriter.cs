using System.Formats.Tar;

namespace Hyper.Oci.Layout;

/// <summary>
/// Writes tar entries whose headers depend only on name and content: uid/gid 0, no user or group
/// names, mtime at the Unix epoch, files 0644, directories 0755. So the same input gives the same
/// archive bytes, on any machine, in any process.
/// </summary>
/// <remarks>
/// Entries are ustar when the name fits in its 100 bytes, else GNU (long-name entries). PAX is
/// avoided because .NET names its extended headers after the process id, which would make two runs
/// differ.
/// </remarks>
internal sealed class ReproducibleTarWriter : IAsyncDisposable
{
    private const UnixFileMode FileMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode DirectoryMode = FileMode
        | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private const int UstarNameLimit = 100;

    private readonly TarWriter _writer;

    public ReproducibleTarWriter(Stream destination)
    {
        _writer = new TarWriter(destination, TarEntryFormat.Ustar, leaveOpen: true);
    }

    public Task WriteDirectoryAsync(string name, CancellationToken cancellationToken) =>
        _writer.WriteEntryAsync(CreateEntry(TarEntryType.Directory, name.EndsWith('/') ? name : name + "/", DirectoryMode), cancellationToken);

    /// <summary>Writes a file entry with the rest of <paramref name="content"/>, whose length must be known.</summary>
    public Task WriteFileAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        var entry = CreateEntry(TarEntryType.RegularFile, name, FileMode);
        entry.DataStream = content;
        return _writer.WriteEntryAsync(entry, cancellationToken);
    }

    public async Task WriteFileAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        await WriteFileAsync(name, stream, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    private static TarEntry CreateEntry(TarEntryType type, string name, UnixFileMode mode)
    {
        // Names are ASCII here (fixed names and hex digests), so characters count as bytes.
        if (name.Length <= UstarNameLimit)
        {
            return new UstarTarEntry(type, name) { Mode = mode, Uid = 0, Gid = 0, ModificationTime = DateTimeOffset.UnixEpoch };
        }

        return new GnuTarEntry(type, name)
        {
            Mode = mode,
            Uid = 0,
            Gid = 0,
            ModificationTime = DateTimeOffset.UnixEpoch,
            AccessTime = DateTimeOffset.UnixEpoch,
            ChangeTime = DateTimeOffset.UnixEpoch,
        };
    }
}
