using Hyper.Build.Layers;
using Hyper.Oci;

namespace Hyper.Build.Cache;

/// <summary>A file's digest with the status it had when hashed; see <see cref="FileDigestCache"/>.</summary>
internal sealed record FileDigestEntry(ulong Inode, uint DeviceMajor, uint DeviceMinor, long Size, long ModifiedTicks, long ChangedTicks, Digest Digest, long LastUsedDay)
{
    public static FileDigestEntry Of(FileStatus status, Digest digest, long day) =>
        new(status.Inode, status.DeviceMajor, status.DeviceMinor, status.Size, status.ModificationTime.UtcTicks, status.ChangeTime.UtcTicks, digest, day);

    public bool Matches(FileStatus status) =>
        status.IsRegularFile && Inode == status.Inode && DeviceMajor == status.DeviceMajor && DeviceMinor == status.DeviceMinor
        && Size == status.Size && ModifiedTicks == status.ModificationTime.UtcTicks && ChangedTicks == status.ChangeTime.UtcTicks;
}
