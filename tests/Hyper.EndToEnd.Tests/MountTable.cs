using System.Runtime.InteropServices;
using System.Text;

namespace Hyper.EndToEnd.Tests;

/// <summary>The mounts of this process (hyperbuild runs in it, so its overlay snapshots show here).</summary>
public static partial class MountTable
{
    private const int UnmountDetach = 2;

    /// <summary>Every mount point at or below <paramref name="directory"/>, from <c>/proc/self/mountinfo</c>.</summary>
    public static IReadOnlyList<string> MountPointsUnder(string directory)
    {
        var prefix = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        return File.ReadLines("/proc/self/mountinfo")
            .Select(static line => Unescape(line.Split(' ')[4]))
            .Where(point => point == prefix || point.StartsWith(prefix + "/", StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>
    /// Detaches whatever is still mounted under <paramref name="directory"/>, deepest first, so a test that
    /// found a leaked mount can still delete its directory; the test has failed on the leak already.
    /// </summary>
    public static void UnmountEverythingUnder(string directory)
    {
        foreach (var point in MountPointsUnder(directory).OrderByDescending(static p => p.Length))
        {
            _ = NativeUnmount(point, UnmountDetach);
        }
    }

    // mountinfo writes space, tab, newline and backslash in paths as \ooo octal escapes.
    private static string Unescape(string field)
    {
        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length)
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeUnmount(string target, int flags);
}
