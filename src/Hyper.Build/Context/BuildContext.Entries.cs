using System.Text;

namespace Hyper.Build.Context;

/// <summary>Reading the context: enumerating, looking up and opening entries.</summary>
public sealed partial class BuildContext
{
    // Linux gives up after 40 links in one lookup; so do we.
    private const int MaxLinkHops = 40;

    /// <summary>
    /// The entries the builder would receive, depth first in name order, lazily. An excluded
    /// directory is listed only when something below it is re-included, just before that entry.
    /// </summary>
    /// <param name="relativeDirectory">Start below this directory (links followed inside the root) instead of the root.</param>
    /// <exception cref="DirectoryNotFoundException">The directory is not in the context.</exception>
    /// <exception cref="DockerIgnoreException">An ignore pattern that had to be checked is invalid.</exception>
    /// <exception cref="BuildContextException">A directory that is part of the context cannot be read.</exception>
    public IEnumerable<ContextEntry> EnumerateEntries(string relativeDirectory = "")
    {
        ArgumentNullException.ThrowIfNull(relativeDirectory);
        var start = ClampToRoot(relativeDirectory);
        if (start.Length == 0)
        {
            return Walk(string.Empty, null);
        }

        var directory = GetEntry(start, followLinks: true);
        if (directory is not { Type: ContextEntryType.Directory })
        {
            throw new DirectoryNotFoundException($"{relativeDirectory} is not a directory in the build context");
        }

        return Walk(directory.Path, Ignore.Walk(directory.Path).Matches);
    }

    /// <summary>
    /// The entry at a path, or null when it does not exist or .dockerignore leaves it out. Links in
    /// the path resolve inside the root; the last one only with <paramref name="followLinks"/>.
    /// The entry's <see cref="ContextEntry.Path"/> is where it really is after resolution.
    /// </summary>
    public ContextEntry? GetEntry(string relativePath, bool followLinks = false)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var resolved = ResolveInsideRoot(Root, ClampToRoot(relativePath), followLinks, IsVisible);
        if (resolved is null)
        {
            return null;
        }

        var (relative, fullPath) = resolved.Value;
        if (relative.Length == 0)
        {
            var root = new DirectoryInfo(Root);
            return new ContextEntry(string.Empty, ContextEntryType.Directory, root.UnixFileMode, 0, null, root.LastWriteTimeUtc);
        }

        var info = Lstat(fullPath);
        if (info is null)
        {
            return null;
        }

        var entry = Describe(relative, info);
        return entry is not null && IsVisible(relative, entry.Type == ContextEntryType.Directory) ? entry : null;
    }

    /// <summary>Opens a file of the context for reading, following links inside the root.</summary>
    /// <exception cref="FileNotFoundException">No such file in the context, or .dockerignore leaves it out.</exception>
    /// <exception cref="IOException">The path is a directory.</exception>
    public Stream OpenFile(string relativePath)
    {
        var entry = GetEntry(relativePath, followLinks: true)
            ?? throw new FileNotFoundException($"{relativePath} is not in the build context (missing, or excluded by {IgnoreFile ?? IgnoreFileName})", relativePath);
        if (entry.Type != ContextEntryType.File)
        {
            throw new IOException($"{relativePath} is a directory in the build context, not a file");
        }

        return new FileStream(Path.Combine(Root, entry.Path), new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            Options = FileOptions.SequentialScan | FileOptions.Asynchronous,
        });
    }

    /// <summary>A path relative to the root with ".." stopping at the root, as BuildKit scopes COPY sources.</summary>
    private static string ClampToRoot(string path) => LexicalPath.Clean("/" + path)[1..];

    /// <summary>
    /// Resolves a relative path component by component, following symbolic links as if the root
    /// were "/" (absolute targets restart at the root, ".." never climbs above it). Links whose own
    /// entry is not visible break the lookup, since the builder would not have them.
    /// </summary>
    private static (string Relative, string FullPath)? ResolveInsideRoot(string root, string relative, bool followFinal, Func<string, bool, bool>? visible)
    {
        var pending = new Stack<string>(relative.Split('/').Reverse());
        var resolved = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
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

                continue;
            }

            resolved.Add(part);
            if (pending.Count == 0 && !followFinal)
            {
                break;
            }

            var current = string.Join('/', resolved);
            var target = ReadLink(Path.Combine(root, current));
            if (target is null)
            {
                continue;
            }

            if (++hops > MaxLinkHops || (visible is not null && !visible(current, false)))
            {
                return null;
            }

            resolved.RemoveAt(resolved.Count - 1);
            if (target.StartsWith('/'))
            {
                resolved.Clear();
            }

            foreach (var element in target.Split('/').Reverse())
            {
                pending.Push(element);
            }
        }

        var path = string.Join('/', resolved);
        return (path, path.Length == 0 ? root : Path.Combine(root, path));
    }

    private static string? ReadLink(string fullPath)
    {
        try
        {
            return new FileInfo(fullPath).LinkTarget;
        }
        catch (IOException)
        {
            // Not a directory along the way, or similar: there is no link to follow.
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The entry itself, links not followed, or null when nothing is there.</summary>
    private static FileSystemInfo? Lstat(string fullPath)
    {
        var file = new FileInfo(fullPath);
        if (file.LinkTarget is not null || file.Exists)
        {
            return file;
        }

        var directory = new DirectoryInfo(fullPath);
        return directory.Exists ? directory : null;
    }

    /// <summary>Describes an entry, or returns null for pipes, sockets and devices.</summary>
    private static ContextEntry? Describe(string relative, FileSystemInfo info)
    {
        if (info.LinkTarget is { } target)
        {
            const UnixFileMode everyone = (UnixFileMode)0x1FF;
            return new ContextEntry(relative, ContextEntryType.SymbolicLink, everyone, Encoding.UTF8.GetByteCount(target), target, info.LastWriteTimeUtc);
        }

        if (info is DirectoryInfo || (info.Attributes & FileAttributes.Directory) != 0)
        {
            return new ContextEntry(relative, ContextEntryType.Directory, info.UnixFileMode, 0, null, info.LastWriteTimeUtc);
        }

        var file = (FileInfo)info;
        return FileKind.IsRegularFile(file)
            ? new ContextEntry(relative, ContextEntryType.File, file.UnixFileMode, file.Length, null, file.LastWriteTimeUtc)
            : null;
    }

    /// <summary>Whether the builder would have this path: not excluded, or an excluded directory something below which is re-included.</summary>
    private bool IsVisible(string relative, bool isDirectory)
    {
        if (relative.Length == 0)
        {
            return true;
        }

        var (excluded, skipped, matches) = Ignore.Walk(relative);
        if (!excluded)
        {
            return true;
        }

        if (!isDirectory || skipped || Ignore.CanSkip(relative))
        {
            return false;
        }

        return Walk(relative, matches).Any();
    }

    /// <summary>Depth-first walk below a directory whose own pattern matches are given (null for the root).</summary>
    private IEnumerable<ContextEntry> Walk(string start, int[]? startMatches)
    {
        var stack = new List<WalkFrame> { new(start, startMatches, ListDirectory(start, tolerateErrors: false), null) };
        try
        {
            while (stack.Count > 0)
            {
                var frame = stack[^1];
                if (!frame.Children.MoveNext())
                {
                    stack.RemoveAt(stack.Count - 1);
                    continue;
                }

                var info = frame.Children.Current;
                var relative = frame.Path.Length == 0 ? info.Name : frame.Path + "/" + info.Name;
                var (excluded, matches) = Ignore.Evaluate(relative, frame.Matches);
                if (excluded)
                {
                    // Look inside only if an exception could bring something back; list the
                    // directory itself only once that happens.
                    if (info is DirectoryInfo { LinkTarget: null } && !Ignore.CanSkip(relative) && Describe(relative, info) is { } pending)
                    {
                        stack.Add(new WalkFrame(relative, matches, ListDirectory(relative, tolerateErrors: true), pending));
                    }

                    continue;
                }

                var entry = Describe(relative, info);
                if (entry is null)
                {
                    continue;
                }

                foreach (var parent in stack)
                {
                    if (parent.Pending is not null)
                    {
                        yield return parent.Pending;
                        parent.Pending = null;
                    }
                }

                yield return entry;
                if (entry.Type == ContextEntryType.Directory)
                {
                    stack.Add(new WalkFrame(relative, matches, ListDirectory(relative, tolerateErrors: false), null));
                }
            }
        }
        finally
        {
            foreach (var frame in stack)
            {
                frame.Children.Dispose();
            }
        }
    }

    private IEnumerator<FileSystemInfo> ListDirectory(string relative, bool tolerateErrors)
    {
        var directory = new DirectoryInfo(relative.Length == 0 ? Root : Path.Combine(Root, relative));
        try
        {
            var children = directory.EnumerateFileSystemInfos("*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false }).ToList();
            children.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return children.GetEnumerator();
        }
        catch (Exception error) when (error is UnauthorizedAccessException or IOException)
        {
            // Like BuildKit, an unreadable directory only matters when its contents are wanted.
            if (tolerateErrors)
            {
                return Enumerable.Empty<FileSystemInfo>().GetEnumerator();
            }

            throw new BuildContextException($"cannot read {relative} in the build context: {error.Message}", error);
        }
    }

    private sealed class WalkFrame(string path, int[]? matches, IEnumerator<FileSystemInfo> children, ContextEntry? pending)
    {
        public string Path { get; } = path;

        public int[]? Matches { get; } = matches;

        public IEnumerator<FileSystemInfo> Children { get; } = children;

        /// <summary>An excluded directory not yet listed; listed when something below it is included.</summary>
        public ContextEntry? Pending { get; set; } = pending;
    }
}
