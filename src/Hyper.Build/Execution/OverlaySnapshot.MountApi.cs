using System.Runtime.InteropServices;

namespace Hyper.Build.Execution;

/// <summary>
/// Mounting through the kernel's file-descriptor mount API (fsopen, fsconfig, fsmount, move_mount), which
/// takes overlay lower directories one by one (<c>lowerdir+</c>, Linux 6.8+) instead of in one option string
/// that must fit a page: with this store's paths a page holds about 40 layers, images can have more.
/// </summary>
public sealed partial class OverlaySnapshot
{
    /// <summary>The size of the page mount(2) copies its options into, less the terminating zero.</summary>
    private const int MountOptionsLimit = 4095;

    private const uint FsopenCloexec = 1;
    private const uint FsconfigSetString = 1;
    private const uint FsconfigCommandCreate = 6;
    private const uint FsmountCloexec = 1;
    private const uint MountAttributeNoSuid = 2;
    private const uint MoveMountFromEmptyPath = 4;
    private const int AtFdCwd = -100;

    /// <summary>Mounts the snapshot lower by lower; returns null on success, else what failed.</summary>
    private static string? MountLayerByLayer(OverlaySnapshot snapshot, IReadOnlyList<string> lowers)
    {
        var context = FsOpen("overlay", FsopenCloexec);
        if (context < 0)
        {
            return LastError("fsopen");
        }

        try
        {
            foreach (var lower in lowers)
            {
                if (FsConfig(context, FsconfigSetString, "lowerdir+", lower, 0) != 0)
                {
                    return $"{LastError("fsconfig lowerdir+")} (adding lower directories one by one needs Linux 6.8 or later)";
                }
            }

            if (FsConfig(context, FsconfigSetString, "upperdir", snapshot.Upper, 0) != 0
                || FsConfig(context, FsconfigSetString, "workdir", snapshot.Work, 0) != 0)
            {
                return LastError("fsconfig");
            }

            if (FsConfig(context, FsconfigCommandCreate, null, null, 0) != 0)
            {
                return LastError("fsconfig create");
            }

            var mount = FsMount(context, FsmountCloexec, MountAttributeNoSuid);
            if (mount < 0)
            {
                return LastError("fsmount");
            }

            try
            {
                return MoveMount(mount, string.Empty, AtFdCwd, snapshot.Merged, MoveMountFromEmptyPath) == 0 ? null : LastError("move_mount");
            }
            finally
            {
                Close(mount);
            }
        }
        finally
        {
            Close(context);
        }
    }

    private static string LastError(string call)
    {
        var errno = Marshal.GetLastPInvokeError();
        return $"{call}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
    }

    [LibraryImport("libc", EntryPoint = "fsopen", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FsOpen(string fileSystem, uint flags);

    [LibraryImport("libc", EntryPoint = "fsconfig", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int FsConfig(int context, uint command, string? key, string? value, int auxiliary);

    [LibraryImport("libc", EntryPoint = "fsmount", SetLastError = true)]
    private static partial int FsMount(int context, uint flags, uint attributes);

    [LibraryImport("libc", EntryPoint = "move_mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MoveMount(int fromDirectory, string fromPath, int toDirectory, string toPath, uint flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
