namespace Hyper.Build.Context;

/// <summary>
/// The syntax check Go's filepath.Match applies to a whole pattern (on Unix), which moby's
/// patternmatcher runs on every .dockerignore line before using it.
/// </summary>
internal static class GlobSyntax
{
    /// <summary>Why the pattern is malformed, or null when it is well formed.</summary>
    public static string? FindError(string pattern)
    {
        var i = 0;
        while (i < pattern.Length)
        {
            switch (pattern[i])
            {
                case '\\':
                    if (i + 1 >= pattern.Length)
                    {
                        return "a trailing \\ escapes nothing";
                    }

                    i += 2;
                    break;
                case '[':
                    var error = SkipClass(pattern, ref i);
                    if (error is not null)
                    {
                        return error;
                    }

                    break;
                default:
                    i++;
                    break;
            }
        }

        return null;
    }

    private static string? SkipClass(string pattern, ref int i)
    {
        // A class is '[', an optional '^', then one or more characters or ranges up to ']';
        // ']' and '-' must be escaped inside it, and the class must be closed.
        i++;
        if (i < pattern.Length && pattern[i] == '^')
        {
            i++;
        }

        var ranges = 0;
        while (true)
        {
            if (i < pattern.Length && pattern[i] == ']' && ranges > 0)
            {
                i++;
                return null;
            }

            if (!SkipClassCharacter(pattern, ref i))
            {
                return "a character class ([...]) is empty, unclosed, or has an unescaped '-' or ']'";
            }

            if (pattern[i] == '-')
            {
                i++;
                if (!SkipClassCharacter(pattern, ref i))
                {
                    return "a range in a character class ([a-z]) is incomplete";
                }
            }

            ranges++;
        }
    }

    private static bool SkipClassCharacter(string pattern, ref int i)
    {
        if (i >= pattern.Length || pattern[i] is '-' or ']')
        {
            return false;
        }

        if (pattern[i] == '\\')
        {
            i++;
            if (i >= pattern.Length)
            {
                return false;
            }
        }

        i += char.IsSurrogatePair(pattern, i) ? 2 : 1;

        // Something must follow: at least the closing bracket.
        return i < pattern.Length;
    }
}
