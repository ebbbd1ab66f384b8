using System.Runtime.InteropServices;
using System.Text;

namespace Hyper.Build.Layers;

/// <summary>The few libc calls .NET does not expose: device numbers, owners, inodes and xattrs.</summary>
/// <remarks>
/// <c>statx</c> rather than <c>lstat</c>: its struct has the same layout on every architecture,
/// so no per-architecture <c>struct stat</c> definitions are needed.
/// </remarks>
internal static partial class LinuxFiles
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7FF;
    private const int StatxSize = 256;
    private const int ENODATA = 61;
    private const int ERANGE = 34;
    private const int ENOTSUP = 95;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    public static FileStatus Lstat(string path) =>
        TryLstat(path) ?? throw new FileNotFoundException($"statx '{path}' failed: no such file or directory", path);

    /// <summary>Like <see cref="Lstat"/>, but null when nothing is at <paramref name="path"/>.</summary>
    public static FileStatus? TryLstat(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, buffer) != 0)
        {
            if (Marshal.GetLastPInvokeError() is ENOENT or ENOTDIR)
            {
                return null;
            }

            throw Failure("statx", path);
        }

        var mtime = TimestampAt(buffer, 112);
        return new FileStatus(
            Mode: Read<ushort>(buffer, 28),
            Uid: Read<uint>(buffer, 20),
            Gid: Read<uint>(buffer, 24),
            LinkCount: Read<uint>(buffer, 16),
            Inode: Read<ulong>(buffer, 32),
            DeviceMajor: Read<uint>(buffer, 136),
            DeviceMinor: Read<uint>(buffer, 140),
            RdevMajor: Read<uint>(buffer, 128),
            RdevMinor: Read<uint>(buffer, 132),
            ModificationTime: mtime,
            Size: Read<long>(buffer, 40),
            ChangeTime: TimestampAt(buffer, 96));
    }

    /// <summary>Extended attributes of <paramref name="path"/> itself (not a symlink's target), sorted by name.</summary>
    public static SortedDictionary<string, byte[]> ReadExtendedAttributes(string path)
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in ListNames(path))
        {
            var value = GetValue(path, name);
            if (value is not null)
            {
                result[name] = value;
            }
        }

        return result;
    }

    private static List<string> ListNames(string path)
    {
        while (true)
        {
            var size = llistxattr(path, null, 0);
            if (size < 0)
            {
                if (Marshal.GetLastPInvokeError() == ENOTSUP)
                {
                    return [];
                }

                throw Failure("llistxattr", path);
            }

            if (size == 0)
            {
                return [];
            }

            var buffer = new byte[size];
            var read = llistxattr(path, buffer, (nuint)buffer.Length);
            if (read < 0)
            {
                // Grown between the two calls: ask again.
                if (Marshal.GetLastPInvokeError() == ERANGE)
                {
                    continue;
                }

                throw Failure("llistxattr", path);
            }

            return [.. Encoding.UTF8.GetString(buffer, 0, (int)read).Split('\0', StringSplitOptions.RemoveEmptyEntries)];
        }
    }

    private static byte[]? GetValue(string path, string name)
    {
        while (true)
        {
            var size = lgetxattr(path, name, null, 0);
            if (size < 0)
            {
                // Removed between listing and reading.
                if (Marshal.GetLastPInvokeError() == ENODATA)
                {
                    return null;
                }

                throw Failure("lgetxattr", path);
            }

            var buffer = new byte[size];
            var read = lgetxattr(path, name, buffer, (nuint)buffer.Length);
            if (read < 0)
            {
                if (Marshal.GetLastPInvokeError() == ERANGE)
                {
                    continue;
                }

                throw Failure("lgetxattr", path);
            }

            return buffer[..(int)read];
        }
    }

    /// <summary>A <c>struct statx_timestamp</c>, to the 100 ns a tick holds.</summary>
    private static DateTimeOffset TimestampAt(ReadOnlySpan<byte> buffer, int offset) =>
        DateTimeOffset.FromUnixTimeSeconds(Read<long>(buffer, offset)).AddTicks(Read<uint>(buffer, offset + 8) / 100);

    private static T Read<T>(ReadOnlySpan<byte> buffer, int offset)
        where T : unmanaged =>
        MemoryMarshal.Read<T>(buffer[offset..]);

    private static IOException Failure(string call, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint llistxattr(string path, byte[]? list, nuint size);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint lgetxattr(string path, string name, byte[]? value, nuint size);
}
