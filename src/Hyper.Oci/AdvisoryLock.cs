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
    private const int OpenReadWrite = 2;
    private const int OpenCreate = 0x40;
    private const int OpenCloseOnExec = 0x80000;
    private const int Interrupted = 4;
    private const int WouldBlock = 11;
    private const int BadDescriptor = 9;
    private const int NoLocks = 37;
    private const int NotSupported = 95;

    /// <summary>How often a waiting acquisition tries again: short next to a build, long next to a syscall.</summary>
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(50);

    private int _fd;

    private AdvisoryLock(int fd) => _fd = fd;

    /// <summary>Waits for and takes the shared lock on <paramref name="path"/> (a file, created if missing, or a directory).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public static Task<AdvisoryLock> AcquireSharedAsync(string path, CancellationToken cancellationToken = default) =>
        AcquireAsync(path, LockShared, cancellationToken);

    /// <summary>Waits for and takes the exclusive lock on <paramref name="path"/> (a file, created if missing, or a directory).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public static Task<AdvisoryLock> AcquireExclusiveAsync(string path, CancellationToken cancellationToken = default) =>
        AcquireAsync(path, LockExclusive, cancellationToken);

    /// <summary>The exclusive lock on <paramref name="path"/> if nobody holds any lock on it now; else null, at once.</summary>
    public static AdvisoryLock? TryAcquireExclusive(string path) => TryAcquire(path, LockExclusive);

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            // Closing the descriptor releases the lock.
            _ = Close(fd);
        }
    }

    /// <summary>
    /// Polls with non-blocking attempts rather than blocking in flock, so that Ctrl-C (the token) ends the wait:
    /// a blocking flock cannot be interrupted from .NET.
    /// </summary>
    private static async Task<AdvisoryLock> AcquireAsync(string path, int operation, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryAcquire(path, operation) is { } taken)
            {
                return taken;
            }

            await Task.Delay(RetryInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static AdvisoryLock? TryAcquire(string path, int operation)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // A directory can only be opened read-only; a lock file is opened for writing, which NFS needs for an
        // exclusive flock (it emulates flock with byte-range locks).
        var directory = Directory.Exists(path);
        var fd = Open(path, (directory ? OpenReadOnly : OpenReadWrite | OpenCreate) | OpenCloseOnExec, 0b110_000_000);
        if (fd < 0)
        {
            throw new IOException($"cannot open the lock file {path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        while (Flock(fd, operation | LockNonBlocking) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error == Interrupted)
            {
                continue;
            }

            _ = Close(fd);
            return error switch
            {
                WouldBlock => null,

                // File systems without flock (some NFS setups for a read-only directory descriptor): no lock
                // between processes, as before locking existed, rather than no way to work at all.
                BadDescriptor or NoLocks or NotSupported => new AdvisoryLock(-1),
                _ => throw new IOException($"cannot lock {path}: {Marshal.GetPInvokeErrorMessage(error)}"),
            };
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
