using Hyper.Build.Context;

namespace Hyper.Build.Files;

/// <summary>
/// Wildcards in COPY and ADD sources as BuildKit resolves them, with Go's filepath.Match applied
/// to each path component: <c>*</c> any run, <c>?</c> one character, <c>[a-z]</c> and <c>[^a-z]</c>
/// classes, <c>\</c> escaping the next character. None of them matches a '/'.
/// </summary>
internal static class PathPattern
{
    /// <summary>Whether a path component has an unescaped wildcard.</summary>
    public static bool HasWildcard(string component)
    {
        for (var i = 0; i < component.Length; i++)
        {
            if (component[i] == '\\')
            {
                i++;
            }
            else if (component[i] is '*' or '?' or '[')
            {
                return true;
            }
        }

        return false;
    }

    /// <exception cref="FileCopyException">The pattern is malformed (an unclosed class, a trailing backslash).</exception>
    public static void Validate(string pattern)
    {
        if (GlobSyntax.FindError(pattern) is { } error)
        {
            throw new FileCopyException($"invalid source pattern '{pattern}': {error}");
        }
    }

    /// <summary>Whether one path component matches one well-formed pattern component.</summary>
    public static bool Matches(string pattern, string name) =>
        MatchFrom(pattern.EnumerateRunes().Select(r => r.Value).ToArray(), 0, name.EnumerateRunes().Select(r => r.Value).ToArray(), 0);

    private static bool MatchFrom(int[] pattern, int p, int[] name, int n)
    {
        while (p < pattern.Length)
        {
            switch (pattern[p])
            {
                case '*':
                    // Try every split, shortest first; components are short.
                    for (var rest = n; rest <= name.Length; rest++)
                    {
                        if (MatchFrom(pattern, p + 1, name, rest))
                        {
                            return true;
                        }
                    }

                    return false;
                case '?':
                    if (n >= name.Length)
                    {
                        return false;
                    }

                    p++;
                    n++;
                    break;
                case '[':
                    if (n >= name.Length || !MatchClass(pattern, ref p, name[n]))
                    {
                        return false;
                    }

                    n++;
                    break;
                default:
                    if (pattern[p] == '\\')
                    {
                        p++;
                    }

                    if (n >= name.Length || pattern[p] != name[n])
                    {
                        return false;
                    }

                    p++;
                    n++;
                    break;
            }
        }

        return n == name.Length;
    }

    /// <summary>Matches one character against the class starting at <paramref name="p"/>, leaving <paramref name="p"/> after its ']'.</summary>
    private static bool MatchClass(int[] pattern, ref int p, int c)
    {
        p++;
        var negated = p < pattern.Length && pattern[p] == '^';
        if (negated)
        {
            p++;
        }

        var matched = false;
        var first = true;
        while (first || pattern[p] != ']')
        {
            first = false;
            var low = ClassCharacter(pattern, ref p);
            var high = low;
            if (pattern[p] == '-')
            {
                p++;
                high = ClassCharacter(pattern, ref p);
            }

            matched |= c >= low && c <= high;
        }

        p++;
        return matched != negated;
    }

    private static int ClassCharacter(int[] pattern, ref int p)
    {
        if (pattern[p] == '\\')
        {
            p++;
        }

        return pattern[p++];
    }
}
