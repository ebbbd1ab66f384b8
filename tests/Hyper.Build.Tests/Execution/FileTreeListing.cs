using System.Globalization;
using System.Security.Cryptography;

using Hyper.Build.Layers;

namespace Hyper.Build.Tests.Execution;

/// <summary>
/// A tree described line by line, one entry a line in ordinal order: type, mode, owner, mtime, size and
/// content digest, link target, device number, user.* xattrs and which earlier entry it is a hard link
/// of. Two trees with equal listings are the same root filesystem as far as an image can tell.
/// </summary>
internal static class FileTreeListing
{
    public static List<string> Describe(string root)
    {
        var lines = new List<string>();
        var inodes = new Dictionary<(uint, uint, ulong), string>();
        Walk(root, string.Empty, lines, inodes);
        return lines;
    }

    private static void Walk(string directory, string prefix, List<string> lines, Dictionary<(uint, uint, ulong), string> inodes)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            var name = prefix + Path.GetFileName(path);
            var status = LinuxFiles.Lstat(path);
            var line = string.Create(CultureInfo.InvariantCulture, $"{name} mode={Convert.ToString(status.Mode, 8)} owner={status.Uid}:{status.Gid} mtime={status.ModificationTime.UtcTicks}");
            var key = (status.DeviceMajor, status.DeviceMinor, status.Inode);
            if (!status.IsDirectory && status.LinkCount > 1 && inodes.TryGetValue(key, out var first))
            {
                lines.Add($"{name} hard link of {first}");
                continue;
            }

            inodes.TryAdd(key, name);
            if (status.IsRegularFile)
            {
                line += $" size={status.Size} sha256={Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))}";
            }
            else if (status.IsSymbolicLink)
            {
                line += $" -> {new FileInfo(path).LinkTarget}";
            }
            else if (status.IsCharacterDevice || status.IsBlockDevice)
            {
                line += $" device={status.RdevMajor}:{status.RdevMinor}";
            }

            foreach (var (attribute, value) in LinuxFiles.ReadExtendedAttributes(path).Where(a => a.Key.StartsWith("user.", StringComparison.Ordinal)))
            {
                line += $" {attribute}={Convert.ToHexStringLower(value)}";
            }

            lines.Add(line);
            if (status.IsDirectory)
            {
                Walk(path, name + "/", lines, inodes);
            }
        }
    }
}
