using Hyper.Build.Layers;

namespace Hyper.Build.Execution;

/// <summary>
/// A writable root filesystem for one build step where overlayfs is unavailable: the chain's layer
/// directories (in overlayfs's format) copied into a plain <see cref="Merged"/> directory, whiteouts and
/// opaque directories applied, so it shows what the overlay mount would. <see cref="Unmount"/> then diffs
/// <see cref="Merged"/> against the layers and writes into <see cref="Upper"/> what overlayfs would have
/// put in its upper directory.
/// </summary>
/// <remarks>
/// The diff compares metadata as containerd's naive differ does (type, mode, owner, size, mtime, link
/// target, device number, xattrs) and reads contents only where an equal mtime proves nothing because it
/// has no fraction of a second. Before all that, an entry whose ctime is older than the end of the copy
/// was not touched by the step: every change to an inode (content, mode, owner, xattrs, times, links,
/// renames) sets its ctime to now, and nothing in user space can set it back.
/// </remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CopyingSnapshot : ISnapshot
{
    private readonly IReadOnlyList<string> _lowerDirectories;
    private DateTimeOffset _copied;
    private bool _finished;

    private CopyingSnapshot(string directory, IReadOnlyList<string> lowerDirectories)
    {
        Directory = directory;
        Merged = Path.Combine(directory, "merged");
        Upper = Path.Combine(directory, "upper");
        _lowerDirectories = lowerDirectories;
    }

    public string Directory { get; }

    public string Merged { get; }

    public string Upper { get; }

    /// <summary>
    /// Copies <paramref name="lowerDirectories"/> (layer directories in overlayfs's format, top layer first)
    /// into a new snapshot under <paramref name="directory"/> (created; must not exist). No lower layers
    /// (FROM scratch) gives an empty root.
    /// </summary>
    public static CopyingSnapshot Mount(string directory, IReadOnlyList<string> lowerDirectories)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(lowerDirectories);
        if (System.IO.Directory.Exists(directory))
        {
            throw new IOException($"snapshot directory {directory} already exists");
        }

        var snapshot = new CopyingSnapshot(directory, [.. lowerDirectories]);
        try
        {
            System.IO.Directory.CreateDirectory(snapshot.Merged);
            var copier = new FileEntryCopier();
            CopyMerged(snapshot._lowerDirectories, snapshot.Merged, copier);
            copier.FinishDirectories();

            // The kernel's clock, as ctimes are stamped with it, rather than DateTime.UtcNow, whose finer
            // clock can run ahead of the coarse one inode times come from.
            var stamp = Path.Combine(directory, "copied");
            File.WriteAllBytes(stamp, []);
            snapshot._copied = LinuxFiles.Lstat(stamp).ChangeTime;
        }
        catch
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }

        return snapshot;
    }

    /// <summary>Writes the step's changes into <see cref="Upper"/>; <see cref="Merged"/> must not change any more.</summary>
    public void Unmount()
    {
        if (_finished)
        {
            return;
        }

        System.IO.Directory.CreateDirectory(Upper);
        var copier = new FileEntryCopier();
        WriteChanges(string.Empty, _lowerDirectories, copier);
        copier.FinishDirectories();
        _finished = true;
    }

    /// <summary>Nothing is mounted; the files go when the store discards the snapshot's directory.</summary>
    public void Dispose()
    {
    }

    private static void CopyMerged(IReadOnlyList<string> directories, string target, FileEntryCopier copier)
    {
        foreach (var (name, entry) in LayerChainView.List(directories))
        {
            var path = Path.Join(target, name);
            if (copier.Copy(entry.HostPath, entry.Status, path) && entry.Status.IsDirectory)
            {
                CopyMerged(entry.Directories, path, copier);
            }
        }
    }

    /// <summary>
    /// Diffs the directory <paramref name="relative"/> of <see cref="Merged"/> against the layer directories
    /// <paramref name="lowers"/> it came from (none for a directory the layers do not have).
    /// </summary>
    private void WriteChanges(string relative, IReadOnlyList<string> lowers, FileEntryCopier copier)
    {
        var merged = Path.Join(Merged, relative);
        var lower = lowers.Count == 0 ? [] : LayerChainView.List(lowers);
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in System.IO.Directory.EnumerateFileSystemEntries(merged).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            present.Add(name);
            var childRelative = Path.Join(relative, name);
            var status = LinuxFiles.Lstat(path);
            if (lower.TryGetValue(name, out var below))
            {
                if (status.IsDirectory && below.Status.IsDirectory)
                {
                    // A directory that stayed one: in upper only when it changed itself or as the parent of
                    // what changed below it, as overlayfs copies it up. What the step deleted from it and then
                    // made again is compared like anything else, so no opaque marker is ever needed.
                    if (HasChanged(path, status, below))
                    {
                        EnsureUpperDirectory(childRelative, copier);
                    }

                    WriteChanges(childRelative, below.Directories, copier);
                    continue;
                }

                if (!HasChanged(path, status, below))
                {
                    continue;
                }
            }

            // New, or changed (a different type included): the whole of it is the step's, as on copy-up.
            EnsureUpperDirectory(relative, copier);
            CopyTree(path, status, Path.Join(Upper, childRelative), copier);
        }

        foreach (var name in lower.Keys)
        {
            if (!present.Contains(name))
            {
                EnsureUpperDirectory(relative, copier);
                var whiteout = Path.Join(Upper, relative, name);
                LibC.Mknod(whiteout, LibC.S_IFCHR, LibC.MakeDevice(0, 0));
                LibC.Lchown(whiteout, 0, 0);
            }
        }
    }

    /// <summary>Creates the directory <paramref name="relative"/> in upper, and its parents, each with the metadata it has in merged.</summary>
    private void EnsureUpperDirectory(string relative, FileEntryCopier copier)
    {
        var upper = Path.Join(Upper, relative);
        if (relative.Length == 0 || System.IO.Directory.Exists(upper))
        {
            return;
        }

        EnsureUpperDirectory(Path.GetDirectoryName(relative) ?? string.Empty, copier);
        var merged = Path.Join(Merged, relative);
        copier.Copy(merged, LinuxFiles.Lstat(merged), upper);
    }

    private static void CopyTree(string source, FileStatus status, string target, FileEntryCopier copier)
    {
        if (!copier.Copy(source, status, target) || !status.IsDirectory)
        {
            return;
        }

        foreach (var child in System.IO.Directory.EnumerateFileSystemEntries(source).Order(StringComparer.Ordinal))
        {
            CopyTree(child, LinuxFiles.Lstat(child), Path.Join(target, Path.GetFileName(child)), copier);
        }
    }

    /// <summary>Whether the entry at <paramref name="path"/> in merged differs from <paramref name="below"/>, its topmost copy in the layers.</summary>
    private bool HasChanged(string path, FileStatus status, LayerChainEntry below)
    {
        if (status.ChangeTime < _copied)
        {
            return false;
        }

        var was = below.Status;
        if (status.Mode != was.Mode || status.Uid != was.Uid || status.Gid != was.Gid
            || status.ModificationTime != was.ModificationTime
            || status.RdevMajor != was.RdevMajor || status.RdevMinor != was.RdevMinor
            || (!status.IsDirectory && status.Size != was.Size))
        {
            return true;
        }

        if (status.IsSymbolicLink && new FileInfo(path).LinkTarget != new FileInfo(below.HostPath).LinkTarget)
        {
            return true;
        }

        if (!FileEntryCopier.ReadExtendedAttributes(path).SequenceEqual(FileEntryCopier.ReadExtendedAttributes(below.HostPath), ExtendedAttributeComparer.Instance))
        {
            return true;
        }

        // An mtime without a fraction of a second may have been cut to whole seconds (tar, many
        // filesystems), so equal times do not mean equal content: compare it.
        return status.IsRegularFile && status.Size > 0 && status.ModificationTime.UtcTicks % TimeSpan.TicksPerSecond == 0
            && !HaveSameContent(path, below.HostPath);
    }

    private static bool HaveSameContent(string first, string second)
    {
        const int BufferSize = 1 << 16;
        using var a = new FileStream(first, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var b = new FileStream(second, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var left = new byte[BufferSize];
        var right = new byte[BufferSize];
        while (true)
        {
            var read = a.ReadAtLeast(left, BufferSize, throwOnEndOfStream: false);
            if (read != b.ReadAtLeast(right, BufferSize, throwOnEndOfStream: false) || !left.AsSpan(0, read).SequenceEqual(right.AsSpan(0, read)))
            {
                return false;
            }

            if (read < BufferSize)
            {
                return true;
            }
        }
    }

    private sealed class ExtendedAttributeComparer : IEqualityComparer<KeyValuePair<string, byte[]>>
    {
        public static readonly ExtendedAttributeComparer Instance = new();

        public bool Equals(KeyValuePair<string, byte[]> x, KeyValuePair<string, byte[]> y) =>
            x.Key == y.Key && x.Value.AsSpan().SequenceEqual(y.Value);

        public int GetHashCode(KeyValuePair<string, byte[]> obj) => obj.Key.GetHashCode(StringComparison.Ordinal);
    }
}
