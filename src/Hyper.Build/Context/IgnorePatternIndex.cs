namespace Hyper.Build.Context;

/// <summary>
/// The patterns of a .dockerignore file indexed by the literal text a matching path must start and end with,
/// so a path is tested only against the few patterns that could match it, not against every one (10,000
/// patterns took seconds on a small context). The index only narrows: a pattern it leaves out cannot match
/// the path, and the caller still asks each candidate itself, in order, as patternmatcher does.
/// </summary>
internal sealed class IgnorePatternIndex
{
    // The characters after which a pattern's text stops being literal in its expression.
    private static readonly char[] Special = ['*', '?', '[', ']', '\\', '^'];

    private readonly Dictionary<string, Bucket> byPrefix = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Bucket>.AlternateLookup<ReadOnlySpan<char>> prefixLookup;
    private readonly int[] prefixLengths;

    // "**/name" also matches "name" itself: those are found by the path with a '/' before it.
    private readonly Dictionary<string, List<int>> slashSuffixes = new(StringComparer.Ordinal);

    public IgnorePatternIndex(IReadOnlyList<DockerIgnorePattern> patterns)
    {
        for (var i = 0; i < patterns.Count; i++)
        {
            var (prefix, suffix) = Affixes(patterns[i]);
            if (!byPrefix.TryGetValue(prefix, out var bucket))
            {
                byPrefix[prefix] = bucket = new Bucket();
            }

            bucket.Add(suffix, i);
            if (patterns[i].IsSuffix && suffix.StartsWith('/'))
            {
                Add(slashSuffixes, suffix, i);
            }
        }

        prefixLookup = byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
        prefixLengths = [.. byPrefix.Keys.Select(static k => k.Length).Distinct().Order()];
        foreach (var bucket in byPrefix.Values)
        {
            bucket.Seal();
        }
    }

    /// <summary>The indices of the patterns that could match <paramref name="path"/>, in no particular order, possibly repeated.</summary>
    public void AddCandidates(string path, List<int> candidates)
    {
        var span = path.AsSpan();
        foreach (var length in prefixLengths)
        {
            if (length > span.Length)
            {
                break;
            }

            if (prefixLookup.TryGetValue(span[..length], out var bucket))
            {
                bucket.AddCandidates(span, length, candidates);
            }
        }

        if (slashSuffixes.Count > 0 && slashSuffixes.GetValueOrDefault("/" + path) is { } exact)
        {
            candidates.AddRange(exact);
        }
    }

    /// <summary>
    /// What every path the pattern matches starts and ends with: an exact pattern is all prefix; <c>dir/**</c>
    /// has the prefix <c>dir/</c>; <c>**/name</c> the suffix <c>/name</c>; an expression the literal text before
    /// its first wildcard and after its last. An expression that failed to compile must still be tried (to fail
    /// as patternmatcher fails), so it gets neither and is a candidate for every path.
    /// </summary>
    private static (string Prefix, string Suffix) Affixes(DockerIgnorePattern pattern)
    {
        var text = pattern.Text;
        if (pattern.IsExact)
        {
            return (text, string.Empty);
        }

        if (pattern.IsPrefix)
        {
            return (text[..^2], string.Empty);
        }

        if (pattern.IsSuffix)
        {
            return (string.Empty, text[2..]);
        }

        if (!pattern.IsValid || text.StartsWith('\uFEFF'))
        {
            return (string.Empty, string.Empty);
        }

        var first = text.IndexOfAny(Special);
        var last = text.LastIndexOfAny(Special);

        // After an escape the next character is not always literal (\d is a digit class), and after "**/" the
        // slash is part of the wildcard ("a/**/b" matches "a/b"): the suffix starts after either.
        var suffixStart = last + 1;
        if (suffixStart < text.Length && (text[last] == '\\' || text[suffixStart] == '/'))
        {
            suffixStart++;
        }

        return (text[..first], text[suffixStart..]);
    }

    private static void Add(Dictionary<string, List<int>> index, string key, int pattern)
    {
        if (!index.TryGetValue(key, out var list))
        {
            index[key] = list = [];
        }

        list.Add(pattern);
    }

    /// <summary>The patterns of one prefix, by the suffix they need.</summary>
    private sealed class Bucket
    {
        private readonly Dictionary<string, List<int>> bySuffix = new(StringComparer.Ordinal);
        private Dictionary<string, List<int>>.AlternateLookup<ReadOnlySpan<char>> suffixLookup;
        private int[] suffixLengths = [];

        public void Add(string suffix, int pattern) => IgnorePatternIndex.Add(bySuffix, suffix, pattern);

        public void Seal()
        {
            suffixLookup = bySuffix.GetAlternateLookup<ReadOnlySpan<char>>();
            suffixLengths = [.. bySuffix.Keys.Select(static k => k.Length).Distinct().Order()];
        }

        public void AddCandidates(ReadOnlySpan<char> path, int prefixLength, List<int> candidates)
        {
            foreach (var length in suffixLengths)
            {
                if (prefixLength + length > path.Length)
                {
                    break;
                }

                if (suffixLookup.TryGetValue(path[^length..], out var patterns))
                {
                    candidates.AddRange(patterns);
                }
            }
        }
    }
}
