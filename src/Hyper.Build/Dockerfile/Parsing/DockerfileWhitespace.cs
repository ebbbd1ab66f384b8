using System.Buffers;

namespace Hyper.Build.Dockerfile.Parsing;

/// <summary>
/// The two notions of whitespace BuildKit's parser uses. Trimming and word splitting use Unicode
/// white space (Go's <c>unicode.IsSpace</c>, the same set as <see cref="char.IsWhiteSpace(char)"/>),
/// while the instruction name and whitespace-delimited argument lists are split on ASCII blanks only.
/// </summary>
internal static class DockerfileWhitespace
{
    /// <summary>Space, tab, vertical tab, form feed and carriage return; never newline, never non-ASCII.</summary>
    public static readonly SearchValues<char> Separators = SearchValues.Create(" \t\v\f\r");

    public static bool IsSpace(char c) => char.IsWhiteSpace(c);

    public static bool IsSeparator(char c) => c is ' ' or '\t' or '\v' or '\f' or '\r';

    /// <summary>
    /// ASCII white space only. BuildKit scans flags and the HEALTHCHECK type byte by byte, so a
    /// non-ASCII space (U+3000, U+00A0, …) never ends a word there.
    /// </summary>
    public static bool IsAsciiSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    /// <summary>Splits on runs of <see cref="Separators"/>; the input is expected to be trimmed already.</summary>
    public static List<string> SplitOnSeparators(ReadOnlySpan<char> text)
    {
        var parts = new List<string>();
        while (true)
        {
            var end = text.IndexOfAny(Separators);
            if (end < 0)
            {
                parts.Add(text.ToString());
                return parts;
            }

            parts.Add(text[..end].ToString());
            text = SkipSeparators(text[end..]);
        }
    }

    /// <summary>The text after the first run of separators, or empty when there is none.</summary>
    public static bool TrySplitFirst(ReadOnlySpan<char> text, out ReadOnlySpan<char> head, out ReadOnlySpan<char> tail)
    {
        var end = text.IndexOfAny(Separators);
        if (end < 0)
        {
            head = text;
            tail = [];
            return false;
        }

        head = text[..end];
        tail = SkipSeparators(text[end..]);
        return true;
    }

    private static ReadOnlySpan<char> SkipSeparators(ReadOnlySpan<char> text)
    {
        var start = text.IndexOfAnyExcept(Separators);
        return start < 0 ? [] : text[start..];
    }
}
