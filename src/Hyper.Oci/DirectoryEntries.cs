using System.Runtime.InteropServices;

namespace Hyper.Oci;

/// <summary>
/// The names in a directory, made durable: after a file is renamed or created into a directory, the file's
/// own fsync does not cover its name, and a power cut can forget the rename. .NET cannot open a directory
/// to sync it (it refuses directory handles), so this opens one with <c>open(2)</c>.
/// </summary>
public static partial class DirectoryEntries
{
    private const int OpenReadOnly = 0;
    private const int OpenCloseOnExec = 0x80000;
    private const int Interrupted = 4;
    private const int InvalidArgument = 22;

    /// <summary>
    /// Writes the entries of <paramref name="directory"/> to disk (<c>fsync(2)</c> on the directory). Nothing
    /// to do on Windows, whose file systems journal renames, nor on file systems that cannot sync a directory.
    /// </summary>
    public static void FlushToDisk(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(directory, OpenReadOnly | OpenCloseOnExec, 0);
        if (fd < 0)
        {
            throw new IOException($"cannot open the directory {directory} to sync it: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            while (Fsync(fd) != 0)
            {
                var error = Marshal.GetLastPInvokeError();
                if (error == Interrupted)
                {
                    continue;
                }

                // EINVAL: the file system does not sync directories (some FUSE and network file systems).
                if (error != InvalidArgument)
                {
                    throw new IOException($"cannot sync the directory {directory}: {Marshal.GetPInvokeErrorMessage(error)}");
                }

                return;
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
