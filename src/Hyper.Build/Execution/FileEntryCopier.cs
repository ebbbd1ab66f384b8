using Hyper.Build.Layers;

namespace Hyper.Build.Execution;

/// <summary>
/// Copies filesystem entries one at a time with everything that makes them the same entry: type, content,
/// link target, device number, owner, mode, extended attributes and times. Files that were hard links of
/// each other in the source stay hard links in the copy. Directories are created empty; their times are
/// set by <see cref="FinishDirectories"/>, after their children are in.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class FileEntryCopier
{
    private const string OverlayAttributePrefix = "trusted.overlay.";
    private readonly Dictionary<(uint Major, uint Minor, ulong Inode), string> _linked = [];
    private readonly List<(string Path, DateTimeOffset Time)> _directoryTimes = [];

    /// <summary>
    /// Copies <paramref name="source"/> (never following it; <paramref name="status"/> is its lstat) to
    /// <paramref name="target"/>, where nothing may be. Sockets are not copied: nothing can be done with
    /// one without the process that listens on it, and a layer cannot hold it. Returns whether it copied.
    /// </summary>
    public bool Copy(string source, FileStatus status, string target)
    {
        var key = (status.DeviceMajor, status.DeviceMinor, status.Inode);
        if (!status.IsDirectory && status.LinkCount > 1 && _linked.TryGetValue(key, out var first))
        {
            // Shares the inode, and with it the metadata, already set.
            LibC.Link(first, target);
            return true;
        }

        if (status.IsDirectory)
        {
            System.IO.Directory.CreateDirectory(target);
        }
        else if (status.IsRegularFile)
        {
            File.Copy(source, target, overwrite: false);
        }
        else if (status.IsSymbolicLink)
        {
            File.CreateSymbolicLink(target, new FileInfo(source).LinkTarget!);
        }
        else if (status.IsCharacterDevice || status.IsBlockDevice || status.IsFifo)
        {
            var device = status.IsFifo ? 0UL : LibC.MakeDevice((int)status.RdevMajor, (int)status.RdevMinor);
            LibC.Mknod(target, status.Type | 0x180, device);
        }
        else
        {
            return false;
        }

        if (!status.IsDirectory && status.LinkCount > 1)
        {
            _linked[key] = target;
        }

        // Owner first: chown clears setuid and setgid, so the mode comes after it.
        LibC.Lchown(target, (int)status.Uid, (int)status.Gid);
        if (!status.IsSymbolicLink)
        {
            File.SetUnixFileMode(target, status.Permissions);
        }

        foreach (var (name, value) in ReadExtendedAttributes(source))
        {
            // Whether security.* and trusted.* can be set depends on the host, as when unpacking a layer.
            var errno = LibC.TrySetXattr(target, name, value);
            if (errno != 0 && !name.StartsWith("security.", StringComparison.Ordinal) && !name.StartsWith("trusted.", StringComparison.Ordinal))
            {
                throw new IOException($"could not copy extended attribute '{name}' to '{target}': {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }

        if (status.IsDirectory)
        {
            _directoryTimes.Add((target, status.ModificationTime));
        }
        else
        {
            LibC.SetTimes(target, status.ModificationTime);
        }

        return true;
    }

    /// <summary>Sets the times of the directories copied, deepest first, now that nothing is written into them any more.</summary>
    public void FinishDirectories()
    {
        for (var i = _directoryTimes.Count - 1; i >= 0; i--)
        {
            LibC.SetTimes(_directoryTimes[i].Path, _directoryTimes[i].Time);
        }

        _directoryTimes.Clear();
    }

    /// <summary>The extended attributes that belong to the entry; overlayfs's own bookkeeping does not.</summary>
    public static IEnumerable<KeyValuePair<string, byte[]>> ReadExtendedAttributes(string path) =>
        LinuxFiles.ReadExtendedAttributes(path).Where(static a => !a.Key.StartsWith(OverlayAttributePrefix, StringComparison.Ordinal));
}
