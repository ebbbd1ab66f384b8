using Hyper.Build.Context;

namespace Hyper.Build.Files;

/// <summary>Finding what a source names: literal paths, wildcards, the <c>--parents</c> pivot.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class FileCopier
{
    private const string Pivot = "/./";

    /// <summary>
    /// The entries a source names. Each named entry is followed if it is a link (BuildKit's
    /// FollowLinks for the named source); the name it is copied as stays the one matched.
    /// </summary>
    private static List<SourceMatch> Match(IFileSource source, string written, bool parents, DockerIgnore? excludes)
    {
        // "--parents" keeps the path from the pivot on ("a/./b/c" keeps "b/c"); without one, all of it.
        var pivotAt = parents ? written.IndexOf(Pivot, StringComparison.Ordinal) : -1;
        var pivot = pivotAt < 0 ? string.Empty : Clamp(written[..pivotAt]);
        var path = Clamp(written);
        var components = path.Length == 0 ? [] : path.Split('/');
        var wildcardAt = Array.FindIndex(components, PathPattern.HasWildcard);
        var matches = new List<SourceMatch>();
        if (wildcardAt < 0)
        {
            var entry = source.GetEntry(path, followLinks: true)
                ?? throw new FileCopyException($"\"/{path}\": not found");
            matches.Add(new SourceMatch(source, written, entry, components.Length == 0 ? string.Empty : components[^1], KeptPath(path, pivot)));
            return matches;
        }

        var pattern = components[wildcardAt..];
        foreach (var part in pattern)
        {
            PathPattern.Validate(part);
        }

        var baseEntry = source.GetEntry(string.Join('/', components[..wildcardAt]), followLinks: true);
        if (baseEntry is { Type: ContextEntryType.Directory })
        {
            string? matchedDirectory = null;
            foreach (var entry in source.EnumerateTree(baseEntry.Path))
            {
                var relative = baseEntry.Path.Length == 0 ? entry.Path : entry.Path[(baseEntry.Path.Length + 1)..];
                if (matchedDirectory is not null && relative.StartsWith(matchedDirectory + "/", StringComparison.Ordinal))
                {
                    continue;
                }

                var parts = relative.Split('/');
                if (parts.Length != pattern.Length || !parts.Zip(pattern).All(p => PathPattern.Matches(p.Second, p.First)))
                {
                    continue;
                }

                if (entry.Type == ContextEntryType.Directory)
                {
                    // Whatever is below a matched directory is copied with it, not matched again.
                    matchedDirectory = relative;
                }

                if (excludes is not null && excludes.IsExcluded(relative, entry.Type == ContextEntryType.Directory))
                {
                    continue;
                }

                var followed = entry.Type == ContextEntryType.SymbolicLink
                    ? source.GetEntry(entry.Path, followLinks: true) ?? throw new FileCopyException($"\"/{entry.Path}\": not found (a symbolic link to nothing)")
                    : entry;
                matches.Add(new SourceMatch(source, written, followed, parts[^1], KeptPath(entry.Path, pivot)));
            }
        }

        return matches.Count > 0
            ? matches
            : throw new FileCopyException($"\"/{path}\": not found: no source file matches the pattern");
    }

    /// <summary>A source path relative to the source's root, '..' stopping at the root, as BuildKit scopes sources.</summary>
    private static string Clamp(string path) => LexicalPath.Clean("/" + path)[1..];

    private static string KeptPath(string path, string pivot)
    {
        if (pivot.Length == 0)
        {
            return path;
        }

        return path == pivot ? string.Empty : path.StartsWith(pivot + "/", StringComparison.Ordinal) ? path[(pivot.Length + 1)..] : path;
    }

    /// <summary>One entry a source named.</summary>
    /// <param name="Source">Where it is read from.</param>
    /// <param name="Written">The source as written, for messages.</param>
    /// <param name="Entry">The entry, links followed.</param>
    /// <param name="Name">The name it is copied as into a directory.</param>
    /// <param name="ParentsPath">Its path kept below the destination with <c>--parents</c>.</param>
    private sealed record SourceMatch(IFileSource Source, string Written, SourceEntry Entry, string Name, string ParentsPath);
}
