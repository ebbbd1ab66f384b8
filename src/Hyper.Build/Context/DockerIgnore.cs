namespace Hyper.Build.Context;

/// <summary>
/// The rules of a .dockerignore file as BuildKit applies them when it sends a build context:
/// Go filepath.Match patterns plus <c>**</c>, relative to the context root, later lines winning,
/// <c>!</c> lines re-including, and an excluded directory excluding everything below it unless an
/// exception could match there.
/// </summary>
public sealed partial class DockerIgnore
{
    private readonly DockerIgnorePattern[] patterns;

    // Like BuildKit (fsutil), excluded directories are skipped whole only when every exception is
    // a plain path (trailing /* or /** aside); with a wildcard exception anything could come back.
    private readonly bool exceptionsArePlainPaths;

    // Every directory (with its trailing '/') that holds a plain exception path, at any depth.
    private readonly HashSet<string> directoriesWithExceptions = new(StringComparer.Ordinal);
    private readonly IgnorePatternIndex index;

    private DockerIgnore(DockerIgnorePattern[] patterns)
    {
        this.patterns = patterns;
        index = new IgnorePatternIndex(patterns);
        exceptionsArePlainPaths = patterns
            .Where(p => p.IsException)
            .All(p => p.WithoutTrailingWildcard().IndexOfAny(['*', '[', ']', '?', '^', '\\']) < 0);
        foreach (var exception in patterns.Where(static p => p.IsException))
        {
            var path = exception.WithoutTrailingWildcard() + "/";
            for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash >= 0; slash = path.IndexOf('/', slash + 1))
            {
                directoriesWithExceptions.Add(path[..(slash + 1)]);
            }
        }

        Patterns = [.. patterns.Select(p => p.IsException ? "!" + p.Text : p.Text)];
    }

    /// <summary>Ignores nothing.</summary>
    public static DockerIgnore Empty { get; } = new([]);

    /// <summary>The patterns in order, cleaned as BuildKit cleans them, exceptions with their '!'.</summary>
    public IReadOnlyList<string> Patterns { get; }

    internal bool IsEmpty => patterns.Length == 0;

    /// <summary>Whether a path is left out of the context.</summary>
    /// <param name="relativePath">Relative to the context root, '/'-separated; "./" and a leading "/" are cleaned away.</param>
    /// <param name="isDirectory">
    /// Whether the path is a directory. Patterns cannot tell files from directories (<c>dir/</c> is
    /// cleaned to <c>dir</c>), so this does not change the answer; note that an excluded directory
    /// is still sent, empty but for them, when something below it is re-included.
    /// </param>
    /// <exception cref="DockerIgnoreException">A pattern that had to be checked is invalid.</exception>
    public bool IsExcluded(string relativePath, bool isDirectory)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var path = LexicalPath.RelativeToRoot(relativePath);
        if (path.Length == 0 || patterns.Length == 0)
        {
            return false;
        }

        return Walk(path).Excluded;
    }

    /// <summary>
    /// Whether a walk of the context can skip the directory without looking inside: it is excluded
    /// (or lies in a skipped directory) and no exception could re-include anything below it.
    /// </summary>
    /// <exception cref="DockerIgnoreException">A pattern that had to be checked is invalid.</exception>
    public bool CanSkipDirectory(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var path = LexicalPath.RelativeToRoot(relativePath);
        if (path.Length == 0 || patterns.Length == 0)
        {
            return false;
        }

        var (excluded, skipped, _) = Walk(path);
        return skipped || (excluded && CanSkip(path));
    }

    /// <summary>
    /// Evaluates one path given what its parent directory matched (null at the top level): whether
    /// it is excluded, and the patterns it matched (ascending indices), which its own children need.
    /// Patterns are checked in order, exclusions only while the path is not excluded and exceptions
    /// only while it is, as patternmatcher does; a pattern that matched the parent matches the child.
    /// Only the patterns the index names can match, so only those are looked at.
    /// </summary>
    internal (bool Excluded, int[] Matches) Evaluate(string path, int[]? parent)
    {
        var candidates = new List<int>(parent ?? []);
        index.AddCandidates(path, candidates);
        candidates.Sort();
        var excluded = false;
        var matches = new List<int>();
        var carried = 0;
        var previous = -1;
        foreach (var i in candidates)
        {
            if (i == previous)
            {
                continue;
            }

            previous = i;
            var pattern = patterns[i];
            var match = false;
            if (parent is not null && carried < parent.Length && parent[carried] == i)
            {
                carried++;
                match = true;
            }
            else if (pattern.IsException == excluded)
            {
                match = pattern.Matches(path);
            }

            if (match)
            {
                matches.Add(i);
                excluded = !pattern.IsException;
            }
        }

        return (excluded, [.. matches]);
    }

    /// <summary>For an excluded directory: true when no exception can reach below it.</summary>
    internal bool CanSkip(string directory) =>
        exceptionsArePlainPaths && !directoriesWithExceptions.Contains(directory + "/");

    /// <summary>
    /// Evaluates the path the way a walk from the root reaches it: whether it is excluded, whether
    /// an excluded ancestor was skipped whole (then it is excluded too), and its per-pattern matches.
    /// </summary>
    internal (bool Excluded, bool Skipped, int[]? Matches) Walk(string path)
    {
        int[]? matches = null;
        var end = -1;
        while (true)
        {
            end = path.IndexOf('/', end + 1);
            var prefix = end < 0 ? path : path[..end];
            (var excluded, matches) = Evaluate(prefix, matches);
            if (end < 0)
            {
                return (excluded, false, matches);
            }

            if (excluded && CanSkip(prefix))
            {
                return (true, true, null);
            }
        }
    }
}
