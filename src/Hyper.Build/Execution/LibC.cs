using System.Runtime.InteropServices;

namespace Hyper.Build.Execution;

/// <summary>
/// The few libc calls .NET has no API for: device nodes, owners and times of symbolic links
/// themselves, hard links and extended attributes. All of them act on the link, never its target.
/// </summary>
internal static partial class LibC
{
    public const uint S_IFIFO = 0x1000;
    public const uint S_IFCHR = 0x2000;
    public const uint S_IFBLK = 0x6000;

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MknodNative(string path, uint mode, ulong device);

    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LchownNative(string path, int owner, int group);

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkNative(string existing, string created);

    [LibraryImport("libc", EntryPoint = "lsetxattr", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LsetxattrNative(string path, string name, byte[] value, nuint size, int flags);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int UtimensatNative(int directory, string path, Timespec[] times, int flags);

    /// <summary>glibc's <c>makedev</c>, which is a macro and so cannot be imported.</summary>
    public static ulong MakeDevice(int major, int minor)
    {
        var ma = (ulong)(uint)major;
        var mi = (ulong)(uint)minor;
        return ((ma & 0xfffff000UL) << 32) | ((ma & 0xfffUL) << 8) | ((mi & 0xffffff00UL) << 12) | (mi & 0xffUL);
    }

    public static void Mknod(string path, uint mode, ulong device) =>
        Check(MknodNative(path, mode, device), "mknod", path);

    public static void Lchown(string path, int owner, int group) =>
        Check(LchownNative(path, owner, group), "lchown", path);

    public static void Link(string existing, string created) =>
        Check(LinkNative(existing, created), "link", created);

    /// <summary>Sets an extended attribute; returns the errno on failure so callers can decide what is fatal.</summary>
    public static int TrySetXattr(string path, string name, byte[] value) =>
        LsetxattrNative(path, name, value, (nuint)value.Length, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>Sets access and modification time of <paramref name="path"/> itself, even when it is a symbolic link.</summary>
    public static void SetTimes(string path, DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTime.UnixEpoch.Ticks;
        var spec = new Timespec
        {
            Seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var rest),
            Nanoseconds = rest * 100,
        };
        if (spec.Nanoseconds < 0)
        {
            spec.Seconds -= 1;
            spec.Nanoseconds += 1_000_000_000;
        }

        Check(UtimensatNative(AtFdCwd, path, [spec, spec], AtSymlinkNoFollow), "utimensat", path);
    }

    private static void Check(int result, string call, string path)
    {
        if (result != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"{call} '{path}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
    }
}
