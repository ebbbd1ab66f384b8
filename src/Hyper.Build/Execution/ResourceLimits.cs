using System.Runtime.InteropServices;

namespace Hyper.Build.Execution;

/// <summary>The calling process's resource limits, which bound what a container may be given.</summary>
public static partial class ResourceLimits
{
    private const int RlimitNoFile = 7;

    /// <summary>The hard RLIMIT_NOFILE of this process (20000 on the build machines, not Docker's 1048576).</summary>
    public static ulong OpenFilesHardLimit()
    {
        var limit = new Rlimit();
        if (GetRlimit(RlimitNoFile, ref limit) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"getrlimit(RLIMIT_NOFILE) failed: {Marshal.GetPInvokeErrorMessage(errno)}");
        }

        return limit.Max;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRlimit(int resource, ref Rlimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct Rlimit
    {
        public ulong Current;
        public ulong Max;
    }
}
