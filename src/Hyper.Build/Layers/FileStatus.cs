namespace Hyper.Build.Layers;

/// <summary>What <c>statx</c> says about a path without following a final symlink.</summary>
internal readonly record struct FileStatus(
    uint Mode,
    uint Uid,
    uint Gid,
    uint LinkCount,
    ulong Inode,
    uint DeviceMajor,
    uint DeviceMinor,
    uint RdevMajor,
    uint RdevMinor,
    DateTimeOffset ModificationTime,
    long Size = 0,
    DateTimeOffset ChangeTime = default)
{
    private const uint TypeMask = 0xF000;

    public uint Type => Mode & TypeMask;

    public bool IsDirectory => Type == 0x4000;

    public bool IsRegularFile => Type == 0x8000;

    public bool IsSymbolicLink => Type == 0xA000;

    public bool IsCharacterDevice => Type == 0x2000;

    public bool IsBlockDevice => Type == 0x6000;

    public bool IsFifo => Type == 0x1000;

    /// <summary>Permission bits plus setuid, setgid and sticky.</summary>
    public UnixFileMode Permissions => (UnixFileMode)(Mode & 0xFFF);

    /// <summary>Overlayfs marks a deleted lower entry with a character device numbered 0/0.</summary>
    public bool IsOverlayWhiteout => IsCharacterDevice && RdevMajor == 0 && RdevMinor == 0;
}
