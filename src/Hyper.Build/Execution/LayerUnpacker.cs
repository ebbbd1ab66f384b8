using System.Formats.Tar;
using System.Text;

using Hyper.Oci;

namespace Hyper.Build.Execution;

/// <summary>
/// Applies an OCI image layer (a tar, plain, gzip, zstd, bzip2 or xz) onto a directory the way containerd's
/// and umoci's appliers do: OCI whiteouts delete what lower layers put there, everything else is
/// created with its mode, owner, times and extended attributes. Nothing outside the directory is
/// ever written, linked or deleted.
/// </summary>
/// <remarks>
/// Choices, where the tools differ:
/// <list type="bullet">
/// <item>Absolute entry names (<c>/etc/passwd</c>) are read relative to the root, as GNU tar and
/// containerd do; names whose <c>..</c> would climb above the root are refused, not clamped.</item>
/// <item>Symbolic links met as parent directories of an entry are followed when their target is
/// relative and stays inside the root; an absolute target or one that climbs above the root is
/// refused. Layers made by diffing a real tree never write through a symlink, so only hostile or
/// broken layers hit this.</item>
/// <item>Hard link targets are entry names too (relative to the root, absolute ones included) and
/// must already exist in the root.</item>
/// <item>An existing symbolic link, file or device at an entry's name is replaced, never written
/// through (tar --unlink-first). An existing directory is kept when the entry is a directory.</item>
/// <item>Extended attributes come from PAX <c>SCHILY.xattr.*</c> records. Failing to set one in the
/// <c>security.*</c> or <c>trusted.*</c> namespaces is skipped, since whether the kernel accepts
/// those (SELinux labels, capabilities in user namespaces) depends on the host, not the image; any
/// other failure is an error naming the entry. Values that are not valid UTF-8 are not set at all:
/// .NET's tar reader decodes PAX values as text, so their bytes are lost before they reach here.</item>
/// </list>
/// </remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class LayerUnpacker
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueWhiteout = ".wh..wh..opq";
    private const string XattrPrefix = "SCHILY.xattr.";
    private const int MaxSymlinkHops = 255;
    private const string OverlayOpaqueAttribute = "trusted.overlay.opaque";

    /// <summary>
    /// Applies <paramref name="layer"/> onto <paramref name="rootDirectory"/>, deleting what its OCI
    /// whiteouts name, and returns its DiffID, the sha256 of the uncompressed tar, computed while reading it.
    /// </summary>
    public static Task<Digest> ApplyAsync(Stream layer, string rootDirectory, CancellationToken ct) =>
        ApplyAsync(layer, rootDirectory, WhiteoutFormat.Oci, ct);

    /// <summary>
    /// Applies <paramref name="layer"/> onto <paramref name="rootDirectory"/> with its whiteouts handled
    /// as <paramref name="whiteouts"/> says, and returns its DiffID.
    /// </summary>
    public static Task<Digest> ApplyAsync(Stream layer, string rootDirectory, WhiteoutFormat whiteouts, CancellationToken ct) =>
        UnpackAsync(layer, rootDirectory, whiteouts, owner: null, skippedDevices: null, ct);

    /// <summary>
    /// Applies <paramref name="layer"/> with OCI whiteouts as <see cref="ApplyAsync(Stream, string, CancellationToken)"/>
    /// does, except that block and character devices (and hard links to them) are not created: their entry names are
    /// added to <paramref name="skippedDevices"/>. For trees unpacked where other users may reach them, where a device
    /// node with the image's major:minor and mode 0666 would hand them the host's disk.
    /// </summary>
    public static Task<Digest> ApplyWithoutDevicesAsync(Stream layer, string rootDirectory, ICollection<string> skippedDevices, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(skippedDevices);
        return UnpackAsync(layer, rootDirectory, WhiteoutFormat.Oci, owner: null, skippedDevices, ct);
    }

    /// <summary>
    /// Extracts an archive that is not a layer (ADD): <c>.wh.</c> names are ordinary files, and every
    /// entry is owned by <paramref name="owner"/> when given, by the tar's owner otherwise. The same
    /// safety rules as for layers apply: nothing is written outside <paramref name="rootDirectory"/>.
    /// </summary>
    internal static Task<Digest> ExtractAsync(Stream archive, string rootDirectory, (int Uid, int Gid)? owner, CancellationToken ct) =>
        UnpackAsync(archive, rootDirectory, whiteouts: null, owner, skippedDevices: null, ct);

    private static async Task<Digest> UnpackAsync(
        Stream layer, string rootDirectory, WhiteoutFormat? whiteouts, (int Uid, int Gid)? owner, ICollection<string>? skippedDevices, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        Directory.CreateDirectory(root);

        await using var tar = await Decompressor.OpenAsync(layer, ct).ConfigureAwait(false);
        using var hasher = new DigestHasher(Digest.Sha256);
        var hashing = new HashingReadStream(tar, hasher);
        var state = new Application(root, whiteouts, owner, skippedDevices);
        var reader = new TarReader(hashing, leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
            {
                await state.ApplyAsync(entry, ct).ConfigureAwait(false);
            }
        }

        // The tar's end-of-archive blocks and any padding after them are part of the DiffID too.
        var rest = new byte[81920];
        while (await hashing.ReadAsync(rest, ct).ConfigureAwait(false) > 0)
        {
        }

        state.FinishDirectories();
        return hasher.GetDigest();
    }

    private enum Kind
    {
        Missing,
        File,
        Directory,
        Symlink,
    }

    private static Kind KindOf(string path)
    {
        if (new FileInfo(path).LinkTarget is not null)
        {
            return Kind.Symlink;
        }

        return Directory.Exists(path) ? Kind.Directory : File.Exists(path) ? Kind.File : Kind.Missing;
    }

    private static void Remove(string path)
    {
        switch (KindOf(path))
        {
            case Kind.Directory:
                // Recursive delete removes links inside the tree, never what they point at.
                Directory.Delete(path, recursive: true);
                break;
            case Kind.File or Kind.Symlink:
                File.Delete(path);
                break;
        }
    }

    /// <summary>The state of applying one layer: what it has written so far, for whiteouts and directory times.</summary>
    private sealed class Application(string root, WhiteoutFormat? whiteouts, (int Uid, int Gid)? owner, ICollection<string>? skippedDevices)
    {
        // Host paths of the devices not created, so that hard links to them are skipped too instead of failing.
        private readonly HashSet<string> _skipped = new(StringComparer.Ordinal);

        // Host paths this layer created, and the directories it passed through to do so: an opaque
        // whiteout keeps those and removes everything else the directory had.
        private readonly HashSet<string> _written = new(StringComparer.Ordinal);
        private readonly HashSet<string> _touched = new(StringComparer.Ordinal);
        private readonly List<(string Path, DateTimeOffset Time)> _directoryTimes = [];

        public async Task ApplyAsync(TarEntry entry, CancellationToken ct)
        {
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
            {
                return;
            }

            var segments = Clean(entry.Name, entry.Name);
            if (segments.Count == 0)
            {
                // The root itself ("./"): its metadata is the snapshot's, not the layer's to change.
                return;
            }

            var name = segments[^1];
            if (whiteouts is { } format && name.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            {
                if (format == WhiteoutFormat.Overlay)
                {
                    WriteOverlayWhiteout(entry.Name, segments);
                }
                else
                {
                    ApplyWhiteout(entry.Name, segments);
                }

                return;
            }

            var parent = ResolveParent(entry.Name, segments, create: true)!;
            var path = Path.Join(parent, name);
            var existing = KindOf(path);
            if (!(existing == Kind.Directory && entry.EntryType == TarEntryType.Directory) && existing != Kind.Missing)
            {
                Remove(path);
            }

            // A skipped device still replaces what lower layers had at its name (removed above).
            if (skippedDevices is not null && (entry.EntryType is TarEntryType.BlockDevice or TarEntryType.CharacterDevice || IsLinkToSkipped(entry)))
            {
                skippedDevices.Add(string.Join('/', segments));
                _skipped.Add(path);
                return;
            }

            switch (entry.EntryType)
            {
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    await WriteFileAsync(path, entry, ct).ConfigureAwait(false);
                    break;
                case TarEntryType.Directory:
                    if (existing != Kind.Directory)
                    {
                        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                    }

                    break;
                case TarEntryType.SymbolicLink:
                    // The target is kept exactly as written: it is resolved by the container, in its root.
                    File.CreateSymbolicLink(path, entry.LinkName);
                    break;
                case TarEntryType.HardLink:
                    LinkTo(entry, path);
                    // A hard link shares the inode, and so the metadata, of its target.
                    MarkWritten(path);
                    return;
                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                    var type = entry.EntryType switch
                    {
                        TarEntryType.CharacterDevice => LibC.S_IFCHR,
                        TarEntryType.BlockDevice => LibC.S_IFBLK,
                        _ => LibC.S_IFIFO,
                    };
                    var device = entry is PosixTarEntry posix && entry.EntryType != TarEntryType.Fifo
                        ? LibC.MakeDevice(posix.DeviceMajor, posix.DeviceMinor)
                        : 0UL;
                    LibC.Mknod(path, type | 0x180, device);
                    break;
                default:
                    throw new UnsafeLayerEntryException(entry.Name, $"unsupported tar entry type {entry.EntryType}");
            }

            MarkWritten(path);
            ApplyMetadata(entry, path);
        }

        private bool IsLinkToSkipped(TarEntry entry)
        {
            if (entry.EntryType != TarEntryType.HardLink || _skipped.Count == 0)
            {
                return false;
            }

            var targetSegments = Clean(entry.LinkName, entry.Name);
            var targetParent = targetSegments.Count == 0 ? null : ResolveParent(entry.Name, targetSegments, create: false);
            return targetParent is not null && _skipped.Contains(Path.Join(targetParent, targetSegments[^1]));
        }

        public void FinishDirectories()
        {
            // Children were created after their directory's times were known: set those last,
            // deepest first, so that nothing changes them afterwards.
            for (var i = _directoryTimes.Count - 1; i >= 0; i--)
            {
                var (path, time) = _directoryTimes[i];
                if (KindOf(path) == Kind.Directory)
                {
                    LibC.SetTimes(path, time);
                }
            }
        }

        private static async Task WriteFileAsync(string path, TarEntry entry, CancellationToken ct)
        {
            // CreateNew is O_EXCL: if anything (a symlink above all) appeared at the name since it was
            // removed, this fails instead of writing through it.
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            };
            var file = new FileStream(path, options);
            await using (file.ConfigureAwait(false))
            {
                if (entry.DataStream is { } data)
                {
                    await data.CopyToAsync(file, ct).ConfigureAwait(false);
                }
            }
        }

        private void LinkTo(TarEntry entry, string path)
        {
            var targetSegments = Clean(entry.LinkName, entry.Name);
            if (targetSegments.Count == 0)
            {
                throw new UnsafeLayerEntryException(entry.Name, "hard link to the root directory");
            }

            var targetParent = ResolveParent(entry.Name, targetSegments, create: false);
            var target = targetParent is null ? null : Path.Join(targetParent, targetSegments[^1]);
            if (target is null || KindOf(target) is Kind.Missing or Kind.Directory)
            {
                throw new UnsafeLayerEntryException(
                    entry.Name,
                    $"hard link target '{entry.LinkName}' is not a file already extracted inside the root; hard links may only point at earlier entries");
            }

            LibC.Link(target, path);
        }

        private void ApplyMetadata(TarEntry entry, string path)
        {
            // Owner first: chown clears setuid and setgid, so the mode must come after it.
            LibC.Lchown(path, owner?.Uid ?? entry.Uid, owner?.Gid ?? entry.Gid);
            if (entry.EntryType != TarEntryType.SymbolicLink)
            {
                File.SetUnixFileMode(path, entry.Mode);
            }

            if (entry is PaxTarEntry pax)
            {
                foreach (var (key, value) in pax.ExtendedAttributes)
                {
                    if (!key.StartsWith(XattrPrefix, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var attribute = key[XattrPrefix.Length..];
                    if (value.Contains('\uFFFD', StringComparison.Ordinal))
                    {
                        // .NET's TarReader hands PAX values over as UTF-8-decoded strings, so a binary value
                        // (security.capability, for one) arrives damaged: better absent than wrong.
                        continue;
                    }

                    var errno = LibC.TrySetXattr(path, attribute, Encoding.UTF8.GetBytes(value));
                    if (errno != 0 && !attribute.StartsWith("security.", StringComparison.Ordinal) && !attribute.StartsWith("trusted.", StringComparison.Ordinal))
                    {
                        throw new UnsafeLayerEntryException(
                            entry.Name,
                            $"could not set extended attribute '{attribute}': {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}");
                    }
                }
            }

            if (entry.EntryType == TarEntryType.Directory)
            {
                _directoryTimes.Add((path, entry.ModificationTime));
            }
            else
            {
                LibC.SetTimes(path, entry.ModificationTime);
            }
        }

        private void ApplyWhiteout(string entryName, List<string> segments)
        {
            var parent = ResolveParent(entryName, segments, create: false);
            if (parent is null)
            {
                return;
            }

            var name = segments[^1];
            if (name == OpaqueWhiteout)
            {
                RemoveUnwritten(parent);
                return;
            }

            var hidden = name[WhiteoutPrefix.Length..];
            if (hidden is "" or "." or ".." || hidden.Contains('/', StringComparison.Ordinal))
            {
                throw new UnsafeLayerEntryException(entryName, "whiteout names no entry");
            }

            // A whiteout hides what lower layers have; what this layer itself wrote stays (image-spec).
            var path = Path.Join(parent, hidden);
            if (!_written.Contains(path))
            {
                Remove(path);
            }
        }

        /// <summary>Writes the marker overlayfs itself uses for a whiteout, so the directory can serve as a lower layer.</summary>
        private void WriteOverlayWhiteout(string entryName, List<string> segments)
        {
            var parent = ResolveParent(entryName, segments, create: true)!;
            var name = segments[^1];
            if (name == OpaqueWhiteout)
            {
                var errno = LibC.TrySetXattr(parent, OverlayOpaqueAttribute, "y"u8.ToArray());
                if (errno != 0)
                {
                    throw new UnsafeLayerEntryException(
                        entryName,
                        $"could not mark the directory opaque ({OverlayOpaqueAttribute}): {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}");
                }

                return;
            }

            var hidden = name[WhiteoutPrefix.Length..];
            if (hidden is "" or "." or "..")
            {
                throw new UnsafeLayerEntryException(entryName, "whiteout names no entry");
            }

            // An entry this layer wrote itself wins over its whiteout, as in the OCI mode.
            var path = Path.Join(parent, hidden);
            if (_written.Contains(path))
            {
                return;
            }

            Remove(path);
            LibC.Mknod(path, LibC.S_IFCHR, LibC.MakeDevice(0, 0));
            LibC.Lchown(path, 0, 0);
            MarkWritten(path);
        }

        private void RemoveUnwritten(string directory)
        {
            foreach (var child in Directory.EnumerateFileSystemEntries(directory).ToList())
            {
                var written = _written.Contains(child);
                if (!written && !_touched.Contains(child))
                {
                    Remove(child);
                }
                else if (KindOf(child) == Kind.Directory)
                {
                    // A directory this layer wrote into may still hold lower layers' children.
                    RemoveUnwritten(child);
                }
            }
        }

        private void MarkWritten(string path)
        {
            _written.Add(path);
            for (var dir = Path.GetDirectoryName(path); dir is not null && dir.Length > root.Length; dir = Path.GetDirectoryName(dir))
            {
                if (!_touched.Add(dir))
                {
                    break;
                }
            }
        }

        /// <summary>
        /// The host path of the directory holding the last of <paramref name="segments"/>, resolving each
        /// parent component inside the root as chroot would; null when it is missing and
        /// <paramref name="create"/> is false.
        /// </summary>
        private string? ResolveParent(string entryName, List<string> segments, bool create)
        {
            var resolved = new List<string>();
            var pending = new Stack<string>();
            for (var i = segments.Count - 2; i >= 0; i--)
            {
                pending.Push(segments[i]);
            }

            var hops = 0;
            while (pending.TryPop(out var segment))
            {
                if (segment is "" or ".")
                {
                    continue;
                }

                if (segment == "..")
                {
                    if (resolved.Count == 0)
                    {
                        throw new UnsafeLayerEntryException(entryName, "a symbolic link in its path climbs out of the root");
                    }

                    resolved.RemoveAt(resolved.Count - 1);
                    continue;
                }

                var host = Path.Join(root, string.Join('/', resolved), segment);
                switch (KindOf(host))
                {
                    case Kind.Directory:
                        resolved.Add(segment);
                        break;
                    case Kind.Missing:
                        if (!create)
                        {
                            return null;
                        }

                        // Parents missing from the tar are created, as tar does; their own entry may come later.
                        Directory.CreateDirectory(host, (UnixFileMode)0x1ed);
                        resolved.Add(segment);
                        break;
                    case Kind.Symlink:
                        if (++hops > MaxSymlinkHops)
                        {
                            throw new UnsafeLayerEntryException(entryName, "too many levels of symbolic links in its path");
                        }

                        var target = new FileInfo(host).LinkTarget!;
                        if (target.StartsWith('/'))
                        {
                            throw new UnsafeLayerEntryException(
                                entryName,
                                $"its parent '{string.Join('/', [.. resolved, segment])}' is a symbolic link to the absolute path '{target}', which on the host is outside the root");
                        }

                        var parts = target.Split('/');
                        for (var i = parts.Length - 1; i >= 0; i--)
                        {
                            pending.Push(parts[i]);
                        }

                        break;
                    default:
                        if (!create)
                        {
                            return null;
                        }

                        throw new UnsafeLayerEntryException(entryName, $"its parent '{string.Join('/', [.. resolved, segment])}' is not a directory");
                }
            }

            return resolved.Count == 0 ? root : Path.Join(root, string.Join('/', resolved));
        }

        /// <summary>The components of an entry name, with <c>.</c>, empty ones and a leading slash dropped.</summary>
        private static List<string> Clean(string name, string entryName)
        {
            if (name.Contains('\0', StringComparison.Ordinal))
            {
                throw new UnsafeLayerEntryException(entryName, "name contains a NUL character");
            }

            var segments = new List<string>();
            foreach (var segment in name.Split('/'))
            {
                switch (segment)
                {
                    case "" or ".":
                        break;
                    case "..":
                        if (segments.Count == 0)
                        {
                            throw new UnsafeLayerEntryException(entryName, $"'{name}' climbs out of the root with '..'");
                        }

                        segments.RemoveAt(segments.Count - 1);
                        break;
                    default:
                        segments.Add(segment);
                        break;
                }
            }

            return segments;
        }
    }
}
