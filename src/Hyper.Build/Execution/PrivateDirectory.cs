namespace Hyper.Build.Execution;

/// <summary>
/// Directories only their owner may enter (0700), as containers-storage keeps its layers: unpacked layers, snapshots,
/// bundles and cache mounts hold what images and RUN steps put there, setuid binaries and device nodes with the
/// image's major:minor and mode included, which other users of the host must not reach.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class PrivateDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> (and missing parents) and makes it owner-only, also when it was there before; returns its full path.</summary>
    public static string Ensure(string path)
    {
        var directory = Directory.CreateDirectory(path, OwnerOnly);
        // Roots made by earlier versions, or with the mode narrowed by a umask only, are set explicitly.
        if (directory.UnixFileMode != OwnerOnly)
        {
            directory.UnixFileMode = OwnerOnly;
        }

        return directory.FullName;
    }
}
