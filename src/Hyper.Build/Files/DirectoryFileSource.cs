using Hyper.Build.Context;
using Hyper.Build.Layers;

namespace Hyper.Build.Files;

/// <summary>
/// A root filesystem on the host as a COPY source (<c>COPY --from=stage</c> or an image): paths
/// resolve inside it as in a chroot, files keep their owner. Devices, pipes and sockets are skipped.
/// </summary>
public sealed class DirectoryFileSource : IFileSource
{
    private readonly string root;

    public DirectoryFileSource(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
    }

    /// <summary>The root filesystem's directory on the host, for RUN bind mounts that use it in place.</summary>
    public string Root => root;

    public bool PreservesOwnership => true;

    public SourceEntry? GetEntry(string path, bool followLinks)
    {
        ArgumentNullException.ThrowIfNull(path);
        var host = RootPath.Resolve(root, "/" + path, followLinks);
        var relative = Path.GetRelativePath(root, host);
        return Describe(relative == "." ? string.Empty : relative, host);
    }

    public IEnumerable<SourceEntry> EnumerateTree(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var pending = new Stack<SourceEntry>();
        PushChildren(pending, path, path.Length == 0 ? root : Path.Join(root, path));
        while (pending.TryPop(out var entry))
        {
            yield return entry;
            if (entry.Type == ContextEntryType.Directory)
            {
                PushChildren(pending, entry.Path, entry.HostPath);
            }
        }
    }

    private static void PushChildren(Stack<SourceEntry> pending, string relative, string host)
    {
        var names = Directory.EnumerateFileSystemEntries(host).Select(Path.GetFileName).ToList();
        names.Sort(StringComparer.Ordinal);
        for (var i = names.Count - 1; i >= 0; i--)
        {
            var childRelative = relative.Length == 0 ? names[i]! : relative + "/" + names[i];
            if (Describe(childRelative, Path.Join(host, names[i])) is { } child)
            {
                pending.Push(child);
            }
        }
    }

    private static SourceEntry? Describe(string relative, string host)
    {
        FileStatus status;
        try
        {
            status = LinuxFiles.Lstat(host);
        }
        catch (IOException)
        {
            return null;
        }

        ContextEntryType? type = status switch
        {
            { IsDirectory: true } => ContextEntryType.Directory,
            { IsRegularFile: true } => ContextEntryType.File,
            { IsSymbolicLink: true } => ContextEntryType.SymbolicLink,
            _ => null,
        };
        return type is { } known ? new SourceEntry(relative, known, host) : null;
    }
}
