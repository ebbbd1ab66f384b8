using System.Text;

namespace Hyper.Build.Dockerfile;

/// <summary>
/// The patterns of <c>${VAR#p}</c>, <c>${VAR%p}</c> and <c>${VAR/p/r}</c> as BuildKit reads them:
/// <c>*</c> any run, <c>?</c> any one character, <c>\*</c> <c>\?</c> <c>\\</c> literal, <c>\}</c> and
/// <c>\/</c> the bare character, everything else literal (no bracket expressions). BuildKit turns
/// them into Go regular expressions, so wildcards stop at a line feed and, when several matches are
/// possible, the first one a backtracking matcher would find wins.
/// </summary>
internal sealed class ShellPattern
{
    private const int AnyCharacter = -2;
    private const int AnyRun = -3;

    // Literal code points, or one of the wildcard markers above.
    private readonly int[] tokens;
    private readonly bool shortestRuns;
    private readonly Dictionary<long, int> memo = [];

    private ShellPattern(int[] tokens, bool shortestRuns)
    {
        this.tokens = tokens;
        this.shortestRuns = shortestRuns;
    }

    /// <summary>Removes the shortest (or longest) prefix of <paramref name="value"/> that matches.</summary>
    /// <exception cref="FormatException">The pattern has an escape BuildKit rejects.</exception>
    public static string RemovePrefix(string value, string pattern, bool longest)
    {
        var text = ShellExpander.ToCodePoints(value);
        var end = Parse(ShellExpander.ToCodePoints(pattern), shortestRuns: !longest).MatchAt(text, 0, 0);
        return end < 0 ? value : Slice(text, end, text.Length);
    }

    /// <summary>Removes the shortest (or longest) suffix of <paramref name="value"/> that matches.</summary>
    /// <exception cref="FormatException">The pattern has an escape BuildKit rejects.</exception>
    public static string RemoveSuffix(string value, string pattern, bool longest)
    {
        // The suffix is found as a prefix of the reversed value with the reversed pattern, escape
        // pairs kept in order. BuildKit parses the pattern only after reversing it, which decides
        // what a stray backslash means, so the same is done here.
        var text = ShellExpander.ToCodePoints(value);
        Array.Reverse(text);
        var reversed = Parse(ReverseKeepingEscapes(ShellExpander.ToCodePoints(pattern)), shortestRuns: !longest);
        var end = reversed.MatchAt(text, 0, 0);
        if (end < 0)
        {
            return value;
        }

        Array.Reverse(text);
        return Slice(text, 0, text.Length - end);
    }

    /// <summary>Replaces the leftmost match, taking the longest runs, with <paramref name="replacement"/> as written.</summary>
    /// <exception cref="FormatException">The pattern has an escape BuildKit rejects.</exception>
    public static string ReplaceFirst(string value, string pattern, string replacement)
    {
        var text = ShellExpander.ToCodePoints(value);
        var compiled = Parse(ShellExpander.ToCodePoints(pattern), shortestRuns: false);
        var (start, end) = compiled.FindFrom(text, 0);
        if (start < 0)
        {
            return value;
        }

        return Slice(text, 0, start) + replacement + Slice(text, end, text.Length);
    }

    /// <summary>
    /// Replaces every match. As in BuildKit (which uses Go's ReplaceAllString), <c>$0</c> or
    /// <c>${0}</c> in the replacement stands for the matched text, <c>$$</c> for a dollar sign,
    /// and any other <c>$name</c> for nothing; an empty match right after a match is not replaced.
    /// </summary>
    /// <exception cref="FormatException">The pattern has an escape BuildKit rejects.</exception>
    public static string ReplaceAll(string value, string pattern, string replacement)
    {
        var text = ShellExpander.ToCodePoints(value);
        var compiled = Parse(ShellExpander.ToCodePoints(pattern), shortestRuns: false);
        var output = new StringBuilder();
        var lastEnd = 0;
        var searchFrom = 0;
        while (searchFrom <= text.Length)
        {
            var (start, end) = compiled.FindFrom(text, searchFrom);
            if (start < 0)
            {
                break;
            }

            AppendSlice(output, text, lastEnd, start);
            if (end > lastEnd || start == 0)
            {
                AppendTemplate(output, replacement, text, start, end);
            }

            lastEnd = end;
            searchFrom = end > searchFrom ? end : searchFrom + 1;
        }

        AppendSlice(output, text, lastEnd, text.Length);
        return output.ToString();
    }

    private static ShellPattern Parse(int[] pattern, bool shortestRuns)
    {
        var tokens = new List<int>(pattern.Length);

        // BuildKit reads the pattern with Go's text scanner, which drops a byte order mark as the
        // first character; for a suffix that is the last character of the pattern as written.
        var first = pattern.Length > 0 && pattern[0] == '\uFEFF' ? 1 : 0;
        for (var i = first; i < pattern.Length; i++)
        {
            var ch = pattern[i];
            if (ch == '*')
            {
                tokens.Add(AnyRun);
                continue;
            }

            if (ch == '?')
            {
                tokens.Add(AnyCharacter);
                continue;
            }

            if (ch == '\\')
            {
                if (i + 1 < pattern.Length && pattern[i + 1] is '}' or '/')
                {
                    // The backslash only kept the } or / from ending the ${...}; the character is literal.
                    continue;
                }

                i++;
                if (i >= pattern.Length)
                {
                    throw new FormatException("a trailing \\ escapes nothing");
                }

                ch = pattern[i];
                if (ch is not ('*' or '?' or '\\'))
                {
                    throw new FormatException($"\\{char.ConvertFromUtf32(ch)} is not a valid escape; only \\*, \\?, \\\\, \\}} and \\/ are");
                }
            }

            tokens.Add(ch);
        }

        return new ShellPattern([.. tokens], shortestRuns);
    }

    private static int[] ReverseKeepingEscapes(int[] pattern)
    {
        // "a\*c" becomes "c\*a": the units are reversed, an escape pair is one unit.
        var reversed = new int[pattern.Length];
        var write = pattern.Length;
        for (var i = 0; i < pattern.Length;)
        {
            var unit = pattern[i] == '\\' && i + 1 < pattern.Length ? 2 : 1;
            write -= unit;
            Array.Copy(pattern, i, reversed, write, unit);
            i += unit;
        }

        return reversed;
    }

    /// <summary>The leftmost match at or after <paramref name="from"/>, as (start, end), or (-1, -1).</summary>
    private (int Start, int End) FindFrom(int[] text, int from)
    {
        for (var start = from; start <= text.Length; start++)
        {
            var end = MatchAt(text, 0, start);
            if (end >= 0)
            {
                return (start, end);
            }
        }

        return (-1, -1);
    }

    /// <summary>
    /// Where a match of tokens[token..] starting at <paramref name="position"/> ends, or -1. Runs
    /// are tried longest first (or shortest first), and the first success counts, like a
    /// backtracking regular expression with greedy (or lazy) stars.
    /// </summary>
    private int MatchAt(int[] text, int token, int position)
    {
        while (token < tokens.Length)
        {
            var expected = tokens[token];
            if (expected == AnyRun)
            {
                return MatchRun(text, token, position);
            }

            if (position >= text.Length)
            {
                return -1;
            }

            // A wildcard never matches a line feed (Go's "." does not).
            var matches = expected == AnyCharacter ? text[position] != '\n' : text[position] == expected;
            if (!matches)
            {
                return -1;
            }

            token++;
            position++;
        }

        return position;
    }

    private int MatchRun(int[] text, int token, int position)
    {
        var key = ((long)token << 32) | (uint)position;
        if (memo.TryGetValue(key, out var known))
        {
            return known;
        }

        var limit = position;
        while (limit < text.Length && text[limit] != '\n')
        {
            limit++;
        }

        var result = -1;
        if (shortestRuns)
        {
            for (var end = position; end <= limit && result < 0; end++)
            {
                result = MatchAt(text, token + 1, end);
            }
        }
        else
        {
            for (var end = limit; end >= position && result < 0; end--)
            {
                result = MatchAt(text, token + 1, end);
            }
        }

        memo[key] = result;
        return result;
    }

    private static void AppendTemplate(StringBuilder output, string template, int[] text, int start, int end)
    {
        var i = 0;
        while (i < template.Length)
        {
            var dollar = template.IndexOf('$', i);
            if (dollar < 0)
            {
                break;
            }

            output.Append(template, i, dollar - i);
            i = dollar + 1;
            if (i < template.Length && template[i] == '$')
            {
                output.Append('$');
                i++;
                continue;
            }

            if (!TryReadGroupName(template, i, out var name, out var next))
            {
                output.Append('$');
                continue;
            }

            i = next;

            // The pattern has no groups, so group 0 (the whole match) is the only one that exists.
            if (name == "0")
            {
                AppendSlice(output, text, start, end);
            }
        }

        output.Append(template, i, template.Length - i);
    }

    private static bool TryReadGroupName(string template, int index, out string name, out int next)
    {
        name = string.Empty;
        next = index;
        var braced = index < template.Length && template[index] == '{';
        var from = braced ? index + 1 : index;
        var to = from;
        while (to < template.Length)
        {
            Rune.DecodeFromUtf16(template.AsSpan(to), out var rune, out var consumed);
            if (!Rune.IsLetter(rune) && !Rune.IsDigit(rune) && rune.Value != '_')
            {
                break;
            }

            to += consumed;
        }

        if (to == from)
        {
            return false;
        }

        name = template[from..to];
        if (braced)
        {
            if (to >= template.Length || template[to] != '}')
            {
                return false;
            }

            to++;
        }

        next = to;
        return true;
    }

    private static string Slice(int[] text, int from, int to)
    {
        var builder = new StringBuilder(to - from);
        AppendSlice(builder, text, from, to);
        return builder.ToString();
    }

    private static void AppendSlice(StringBuilder builder, int[] text, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            ShellExpander.AppendCodePoint(builder, text[i]);
        }
    }
}
