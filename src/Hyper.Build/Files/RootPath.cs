namespace Hyper.Build.Files;

/// <summary>
/// Resolves a path of a container inside its root filesystem on the host the way a process chrooted
/// into that root would: every symbolic link met is followed inside the root (an absolute target
/// starts again at the root, so <c>/var/run -&gt; /run</c> stays inside), and <c>..</c> in the path
/// stops at the root. A link whose relative target climbs above the root is refused rather than
/// clamped: it points at the host, and writing or reading through it must fail loudly.
/// </summary>
public static class RootPath
{
    // Linux gives up after 40 links in one lookup; so do we.
    private const int MaxLinkHops = 40;

    /// <summary>
    /// The host path of <paramref name="containerPath"/> inside <paramref name="root"/>. Components
    /// that do not exist are taken as they are; the last one is followed only when it is a link and
    /// <paramref name="followFinalLink"/> is true.
    /// </summary>
    /// <exception cref="FileCopyException">A link climbs out of the root, or there are too many links.</exception>
    public static string Resolve(string root, string containerPath, bool followFinalLink = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(containerPath);
        var hostRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var resolved = ResolveComponents(hostRoot, containerPath, followFinalLink);
        return resolved.Count == 0 ? hostRoot : Path.Join(hostRoot, string.Join('/', resolved));
    }

    /// <summary>The container path ("/a/b") of a host path inside <paramref name="root"/>.</summary>
    public static string ToContainerPath(string root, string hostPath)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(root), Path.GetFullPath(hostPath));
        return relative == "." ? "/" : "/" + relative;
    }

    private static List<string> ResolveComponents(string root, string containerPath, bool followFinalLink)
    {
        // Each pending component remembers whether it came from a link's target: only those may not climb above the root.
        var pending = new Stack<(string Part, bool FromLink)>();
        foreach (var part in containerPath.Split('/').Reverse())
        {
            pending.Push((part, false));
        }

        var resolved = new List<string>();
        var hops = 0;
        while (pending.TryPop(out var item))
        {
            var (part, fromLink) = item;
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }
                else if (fromLink)
                {
                    throw new FileCopyException($"{containerPath}: a symbolic link in the path points outside the root filesystem");
                }

                continue;
            }

            resolved.Add(part);
            if (!followFinalLink && pending.All(p => p.Part is "" or "."))
            {
                break;
            }

            var target = ReadLink(Path.Join(root, string.Join('/', resolved)));
            if (target is null)
            {
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new FileCopyException($"{containerPath}: too many levels of symbolic links");
            }

            resolved.RemoveAt(resolved.Count - 1);
            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (var element in target.Split('/').Reverse())
            {
                pending.Push((element, true));
            }
        }

        return resolved;
    }

    private static string? ReadLink(string hostPath)
    {
        try
        {
            return new FileInfo(hostPath).LinkTarget;
        }
        catch (IOException)
        {
            // A component along the way is not a directory: there is no link to follow.
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
