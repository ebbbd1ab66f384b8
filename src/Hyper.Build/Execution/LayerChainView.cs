using Hyper.Build.Layers;

namespace Hyper.Build.Execution;

/// <summary>
/// What an overlay mount of a chain of layer directories would show, read straight from the directories
/// without mounting: an entry comes from the topmost layer that has it, a 0/0 character device hides the
/// name in every layer below, a directory merges with the directories of the same name below it, and a
/// directory marked <c>trusted.overlay.opaque=y</c> (or any non-directory) ends that merge.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal static class LayerChainView
{
    private const string OpaqueAttribute = "trusted.overlay.opaque";

    /// <summary>
    /// The children of the merged directory made of <paramref name="directories"/> (layer directories of the
    /// same path, topmost first, already cut after the first opaque one), by name in ordinal order.
    /// </summary>
    public static SortedDictionary<string, LayerChainEntry> List(IReadOnlyList<string> directories)
    {
        var entries = new SortedDictionary<string, LayerChainEntry>(StringComparer.Ordinal);
        var hidden = new HashSet<string>(StringComparer.Ordinal);
        for (var layer = 0; layer < directories.Count; layer++)
        {
            foreach (var path in System.IO.Directory.EnumerateFileSystemEntries(directories[layer]))
            {
                var name = Path.GetFileName(path);
                if (entries.ContainsKey(name) || hidden.Contains(name))
                {
                    continue;
                }

                var status = LinuxFiles.Lstat(path);
                if (status.IsOverlayWhiteout)
                {
                    hidden.Add(name);
                    continue;
                }

                entries[name] = new LayerChainEntry(path, status, status.IsDirectory ? MergedDirectories(directories, layer, name, path) : []);
            }
        }

        return entries;
    }

    private static List<string> MergedDirectories(IReadOnlyList<string> directories, int top, string name, string topPath)
    {
        var merged = new List<string> { topPath };
        if (IsOpaque(topPath))
        {
            return merged;
        }

        for (var layer = top + 1; layer < directories.Count; layer++)
        {
            var path = Path.Join(directories[layer], name);
            if (LinuxFiles.TryLstat(path) is not { } status)
            {
                continue;
            }

            // A whiteout or a file under a directory hides everything of that name further down.
            if (!status.IsDirectory)
            {
                break;
            }

            merged.Add(path);
            if (IsOpaque(path))
            {
                break;
            }
        }

        return merged;
    }

    private static bool IsOpaque(string directory) =>
        LinuxFiles.ReadExtendedAttributes(directory).TryGetValue(OpaqueAttribute, out var flag) && flag is [(byte)'y', ..];
}
