using System.Runtime.InteropServices;

namespace Hyper.Oci;

/// <summary>
/// A <c>flock(2)</c> lock on a file or directory, between processes: many holders of the shared lock at once,
/// or one of the exclusive lock. An OCI layout locks its directory while it rewrites index.json, so two
/// processes tagging one layout do not lose an update; hyperbuild takes the shared lock on its data root while
/// it builds, pulls or runs, and the exclusive one to collect garbage (rmi, prune), so a collection never
/// deletes blobs or unpacked layers a build is about to name. Released on <see cref="Dispose"/>, or by the
/// kernel when the process dies.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class AdvisoryLock : IDisposable
{
    private const int LockShared = 1;
    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;
    private const int OpenReadOnly = 0;
    private const int OpenCreate = 0x40;
    private const int OpenCloseOnExec = 0x80000;
    private const int Interrupted = 4;
    private const int WouldBlock = 11;

    private int _fd;

    private AdvisoryLock(int fd) => _fd = fd;

    /// <summary>Waits for and takes the shared lock on <paramref name="path"/> (a file, created if missing, or a directory).</summary>
    public static AdvisoryLock AcquireShared(string path) => Acquire(path, LockShared) ?? throw new InvalidOperationException("a blocking flock returned without the lock");

    /// <summary>Waits for and takes the exclusive lock on <paramref name="path"/> (a file, created if missing, or a directory).</summary>
    public static AdvisoryLock AcquireExclusive(string path) => Acquire(path, LockExclusive) ?? throw new InvalidOperationException("a blocking flock returned without the lock");

    /// <summary>The exclusive lock on <paramref name="path"/> if nobody holds any lock on it now; else null, at once.</summary>
    public static AdvisoryLock? TryAcquireExclusive(string path) => Acquire(path, LockExclusive | LockNonBlocking);

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            // Closing the descriptor releases the lock.
            _ = Close(fd);
        }
    }

    private static AdvisoryLock? Acquire(string path, int operation)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Read-only is enough for flock, and lets a directory be locked too.
        var fd = Open(path, OpenReadOnly | (Directory.Exists(path) ? 0 : OpenCreate) | OpenCloseOnExec, 0b110_000_000);
        if (fd < 0)
        {
            throw new IOException($"cannot open the lock file {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        while (Flock(fd, operation) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error == Interrupted)
            {
                continue;
            }

            _ = Close(fd);
            return error == WouldBlock && (operation & LockNonBlocking) != 0
                ? null
                : throw new IOException($"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(error)}");
        }

        return new AdvisoryLock(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
