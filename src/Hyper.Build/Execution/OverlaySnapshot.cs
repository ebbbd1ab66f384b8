using System.Runtime.InteropServices;
using System.Text;

namespace Hyper.Build.Execution;

/// <summary>
/// A writable root filesystem for one build step: the kernel's overlayfs over read-only lower
/// directories (the unpacked parent layers, top first), with a fresh upper directory that collects
/// exactly what the step changes — the diff that becomes the step's layer. Disposing unmounts.
/// </summary>
public sealed partial class OverlaySnapshot : ISnapshot
{
    private const ulong MountNoSuid = 2;
    private const int UnmountDetach = 2;
    private bool _mounted;

    private OverlaySnapshot(string directory)
    {
        Directory = directory;
        Upper = Path.Combine(directory, "upper");
        Work = Path.Combine(directory, "work");
        Merged = Path.Combine(directory, "merged");
    }

    /// <summary>The snapshot's own directory, holding upper, work and merged.</summary>
    public string Directory { get; }

    /// <summary>The step's changes: new and changed files, overlay whiteouts for deletions.</summary>
    public string Upper { get; }

    /// <summary>overlayfs's scratch directory; must be on the same filesystem as <see cref="Upper"/>.</summary>
    public string Work { get; }

    /// <summary>The mounted root filesystem the step runs in.</summary>
    public string Merged { get; }

    /// <summary>
    /// Mounts a snapshot under <paramref name="directory"/> (created; must not exist) over
    /// <paramref name="lowerDirectories"/>, top layer first. No lower layers (FROM scratch) gives an
    /// empty root.
    /// </summary>
    public static OverlaySnapshot Mount(string directory, IReadOnlyList<string> lowerDirectories)
    {
        ArgumentNullException.ThrowIfNull(lowerDirectories);
        if (System.IO.Directory.Exists(directory))
        {
            throw new IOException($"snapshot directory {directory} already exists");
        }

        var snapshot = new OverlaySnapshot(directory);
        System.IO.Directory.CreateDirectory(snapshot.Upper);
        System.IO.Directory.CreateDirectory(snapshot.Work);
        System.IO.Directory.CreateDirectory(snapshot.Merged);

        // overlayfs needs at least one lower directory; an empty one stands for "nothing below".
        var lowers = lowerDirectories.Count > 0 ? lowerDirectories : [System.IO.Directory.CreateDirectory(Path.Combine(directory, "empty")).FullName];
        foreach (var lower in lowers)
        {
            if (lower.Contains(':', StringComparison.Ordinal) || lower.Contains(',', StringComparison.Ordinal))
            {
                throw new ArgumentException($"layer directory '{lower}' contains ':' or ',', which overlayfs options cannot carry", nameof(lowerDirectories));
            }
        }

        var options = $"lowerdir={string.Join(':', lowers)},upperdir={snapshot.Upper},workdir={snapshot.Work}";

        // mount(2) takes its options in one page; longer chains go through the new mount API one lower at a time.
        var error = Encoding.UTF8.GetByteCount(options) < MountOptionsLimit
            ? (NativeMount("overlay", snapshot.Merged, "overlay", MountNoSuid, options) == 0 ? null : LastError("mount"))
            : MountLayerByLayer(snapshot, lowers);
        if (error is not null)
        {
            System.IO.Directory.Delete(directory, recursive: true);
            throw new IOException($"mounting overlayfs at {snapshot.Merged} over {lowers.Count} layers failed: {error}; overlayfs needs root and a kernel with overlay support");
        }

        snapshot._mounted = true;
        return snapshot;
    }

    /// <summary>Unmounts the merged view; upper and work stay for the layer to be read from.</summary>
    public void Unmount()
    {
        if (!_mounted)
        {
            return;
        }

        // A detached unmount cannot fail because a process still holds a file: the view disappears
        // now and the kernel finishes when the last user lets go.
        if (NativeUnmount(Merged, UnmountDetach) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"unmounting {Merged} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }

        _mounted = false;
    }

    public void Dispose() => Unmount();

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeMount(string source, string target, string fileSystemType, ulong flags, string data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeUnmount(string target, int flags);
}
