using System.Formats.Tar;
using System.IO.Compression;

namespace Hyper.Build.Context;

/// <summary>Contexts that arrive as a tarball: unpacked into a private temporary directory, safely.</summary>
public sealed partial class BuildContext
{
    private const int TarBlockSize = 512;

    /// <summary>
    /// A context tarball, plain or gzip/zstd compressed, unpacked into a temporary directory. The
    /// Dockerfile is <c>Dockerfile</c> at the top of the archive unless <paramref name="dockerfilePath"/>
    /// names another path inside it. Entries with absolute paths or "..", entries that would be
    /// written through a symbolic link, and hard links to anything but an earlier file are refused.
    /// </summary>
    /// <exception cref="BuildContextException">The archive is unsafe, unreadable, or has no Dockerfile.</exception>
    public static async Task<BuildContext> FromTarballAsync(Stream tarball, string? dockerfilePath = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tarball);
        var (start, length, stream) = await PrefixedStream.PeekAsync(tarball, 6, cancellationToken).ConfigureAwait(false);
        var root = Directory.CreateTempSubdirectory("hyper-context-").FullName;
        try
        {
            await using (var decompressed = Decompress(start.AsSpan(0, length), stream))
            {
                await ExtractAsync(decompressed, root, cancellationToken).ConfigureAwait(false);
            }

            return FromUnpacked(root, dockerfilePath);
        }
        catch
        {
            DeleteTree(root);
            throw;
        }
    }

    /// <summary>
    /// What <c>docker build -</c> reads: a context tarball (plain or compressed), or else a lone
    /// Dockerfile, which then makes a context of its own with nothing else in it.
    /// </summary>
    /// <exception cref="BuildContextException">The input cannot be used as a context.</exception>
    public static async Task<BuildContext> FromStandardInputAsync(Stream input, string? dockerfilePath = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (start, length, stream) = await PrefixedStream.PeekAsync(input, 2 * TarBlockSize, cancellationToken).ConfigureAwait(false);
        var head = start.AsSpan(0, length);
        if (CompressionOf(head) is not null || IsTarHeader(head))
        {
            return await FromTarballAsync(stream, dockerfilePath, cancellationToken).ConfigureAwait(false);
        }

        if (dockerfilePath is not null)
        {
            throw new BuildContextException($"standard input holds a Dockerfile, not a context archive, so -f {dockerfilePath} has nothing to name");
        }

        var root = Directory.CreateTempSubdirectory("hyper-context-").FullName;
        try
        {
            var dockerfile = Path.Combine(root, DefaultDockerfileName);
            await using (var file = File.Create(dockerfile))
            {
                await stream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            return new BuildContext(root, dockerfile, DockerIgnore.Empty, ignoreFile: null, ownedDirectory: root);
        }
        catch
        {
            DeleteTree(root);
            throw;
        }
    }

    private static BuildContext FromUnpacked(string root, string? dockerfilePath)
    {
        var requested = ClampToRoot(dockerfilePath ?? DefaultDockerfileName);
        var resolved = ResolveInsideRoot(root, requested, followFinal: true, visible: null);
        var dockerfile = resolved is null ? null : FindDockerfile(resolved.Value.FullPath);
        if (dockerfile is null)
        {
            throw new BuildContextException($"the context archive has no {requested}: add it at the top of the archive or name it with -f");
        }

        var (ignore, ignoreFile) = LoadIgnore(root, Path.Combine(root, requested) + IgnoreFileName, dockerfileInsideRoot: true);
        return new BuildContext(root, dockerfile, ignore, ignoreFile, ownedDirectory: root);
    }

    private static string? CompressionOf(ReadOnlySpan<byte> start) => start switch
    {
        [0x1f, 0x8b, ..] => "gzip",
        [0x28, 0xb5, 0x2f, 0xfd, ..] => "zstd",
        [(byte)'B', (byte)'Z', (byte)'h', ..] => "bzip2",
        [0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00, ..] => "xz",
        _ => null,
    };

    private static Stream Decompress(ReadOnlySpan<byte> start, Stream stream) => CompressionOf(start) switch
    {
        null => stream,
        "gzip" => new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true),
        "zstd" => new ZstdSharp.DecompressionStream(stream, leaveOpen: true),
        var other => throw new BuildContextException($"{other}-compressed context archives are not supported: use a plain, gzip or zstd tarball"),
    };

    /// <summary>
    /// Whether a block is a tar header, by its checksum as Go's archive/tar checks it (either the
    /// unsigned or the historical signed sum), which is how docker tells a context from a Dockerfile.
    /// </summary>
    private static bool IsTarHeader(ReadOnlySpan<byte> data)
    {
        if (data.Length < TarBlockSize)
        {
            return false;
        }

        var header = data[..TarBlockSize];
        var field = header.Slice(148, 8).Trim(" \0"u8);
        long recorded = 0;
        foreach (var digit in field)
        {
            if (digit is < (byte)'0' or > (byte)'7')
            {
                return false;
            }

            recorded = (recorded * 8) + (digit - '0');
        }

        long unsigned = 0;
        long signed = 0;
        for (var i = 0; i < TarBlockSize; i++)
        {
            var value = i is >= 148 and < 156 ? (byte)' ' : header[i];
            unsigned += value;
            signed += (sbyte)value;
        }

        // An all-zero block ends an archive; it does not start a context.
        return unsigned != 8 * ' ' && (recorded == unsigned || recorded == signed);
    }

    private static async Task ExtractAsync(Stream archive, string root, CancellationToken cancellationToken)
    {
        // Directory modes and times are applied last, deepest first, so that a read-only directory
        // can still be filled and its time is not disturbed by what is written into it.
        var directories = new List<(string Relative, UnixFileMode Mode, DateTimeOffset Time)>();
        await using var reader = new TarReader(archive, leaveOpen: true);
        while (true)
        {
            TarEntry? entry;
            try
            {
                entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is InvalidDataException or FormatException or EndOfStreamException)
            {
                throw new BuildContextException($"the context archive is not a valid tarball: {error.Message}", error);
            }

            if (entry is null)
            {
                break;
            }

            var relative = SafeEntryName(entry.Name);
            if (relative.Length == 0)
            {
                continue;
            }

            var target = Path.Combine(root, relative);
            PrepareParents(root, relative);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    if (Lstat(target) is not DirectoryInfo)
                    {
                        RemoveExisting(target);
                        Directory.CreateDirectory(target);
                    }

                    directories.Add((relative, entry.Mode, entry.ModificationTime));
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    RemoveExisting(target);
                    await WriteFileAsync(entry, target, cancellationToken).ConfigureAwait(false);
                    break;
                case TarEntryType.SymbolicLink:
                    if (string.IsNullOrEmpty(entry.LinkName))
                    {
                        throw new BuildContextException($"the context archive has a symbolic link {entry.Name} without a target");
                    }

                    // Targets are kept as written, absolute ones too: they are only ever resolved
                    // inside the context root, never on the host.
                    RemoveExisting(target);
                    File.CreateSymbolicLink(target, entry.LinkName);
                    break;
                case TarEntryType.HardLink:
                    RemoveExisting(target);
                    CopyHardLink(root, entry, target);
                    break;
                default:
                    // Pipes, devices and metadata-only entries have no place in a build context.
                    break;
            }
        }

        foreach (var (relative, mode, time) in directories.OrderByDescending(d => d.Relative.Count(c => c == '/')))
        {
            var path = Path.Combine(root, relative);

            // A later entry may have replaced the directory with a link; never touch what a link points at.
            if (Lstat(path) is DirectoryInfo { LinkTarget: null } directory)
            {
                if (!OperatingSystem.IsWindows())
                {
                    directory.UnixFileMode = mode;
                }

                directory.LastWriteTimeUtc = time.UtcDateTime;
            }
        }
    }

    /// <summary>The entry's path cleaned and relative, or "" for the archive's top directory.</summary>
    private static string SafeEntryName(string name)
    {
        if (name.Contains('\0', StringComparison.Ordinal))
        {
            throw new BuildContextException($"the context archive has an entry whose name contains a NUL character: {name.Replace("\0", "\\0", StringComparison.Ordinal)}");
        }

        if (name.StartsWith('/'))
        {
            throw new BuildContextException($"the context archive has an entry with an absolute path, {name}: build contexts must hold relative paths (e.g. tar -C dir -c .)");
        }

        if (name.Split('/').Contains(".."))
        {
            throw new BuildContextException($"the context archive has an entry that climbs out of it with '..', {name}");
        }

        var cleaned = LexicalPath.Clean(name);
        return cleaned == "." ? string.Empty : cleaned;
    }

    /// <summary>Creates the entry's missing parent directories, refusing to go through a link or a file.</summary>
    private static void PrepareParents(string root, string relative)
    {
        var parts = relative.Split('/');
        var current = root;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            current = Path.Combine(current, parts[i]);
            switch (Lstat(current))
            {
                case null:
                    Directory.CreateDirectory(current);
                    break;
                case { LinkTarget: not null }:
                    throw new BuildContextException($"the context archive has an entry {relative} that would be written through the symbolic link {string.Join('/', parts[..(i + 1)])}");
                case FileInfo:
                    throw new BuildContextException($"the context archive has an entry {relative} below {string.Join('/', parts[..(i + 1)])}, which is a file");
            }
        }
    }

    private static void RemoveExisting(string path)
    {
        switch (Lstat(path))
        {
            case DirectoryInfo { LinkTarget: null } directory:
                DeleteTree(directory.FullName);
                break;
            case { } existing:
                existing.Delete();
                break;
        }
    }

    private static async Task WriteFileAsync(TarEntry entry, string target, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new FileStream(target, options))
        {
            if (entry.DataStream is not null)
            {
                await entry.DataStream.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }
        }

        SetMode(target, entry.Mode);
        File.SetLastWriteTimeUtc(target, entry.ModificationTime.UtcDateTime);
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static void CopyHardLink(string root, TarEntry entry, string target)
    {
        // A hard link names an earlier entry of the archive; it becomes a copy of that file.
        var source = SafeEntryName(entry.LinkName);
        var sourcePath = Path.Combine(root, source);
        var parent = Path.GetDirectoryName(source);
        var throughLink = !string.IsNullOrEmpty(parent) && ResolveInsideRoot(root, parent, followFinal: true, visible: null)?.Relative != parent;
        if (source.Length == 0 || throughLink || Lstat(sourcePath) is not FileInfo { LinkTarget: null } file || !FileKind.IsRegularFile(file))
        {
            throw new BuildContextException($"the context archive has a hard link {entry.Name} to {entry.LinkName}, which is not a file earlier in the archive");
        }

        File.Copy(sourcePath, target);
        SetMode(target, entry.Mode);
        File.SetLastWriteTimeUtc(target, entry.ModificationTime.UtcDateTime);
    }
}
