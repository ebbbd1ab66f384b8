using System.Text;

namespace Hyper.Build.Dockerfile.Parsing;

/// <summary>
/// Splits <c>--name=value</c> words off the front of an instruction's arguments, as BuildKit does for
/// every instruction before dispatching it. Quotes around (parts of) a flag are removed and the escape
/// character escapes the next character; a bare <c>--</c> ends the flags. Values are not checked here.
/// Only ASCII white space separates flags, as in BuildKit's byte-wise scan; unlike that scan, non-ASCII
/// characters are kept whole instead of being re-encoded byte by byte.
/// </summary>
internal static class BuilderFlags
{
    private enum Phase
    {
        BetweenWords,
        InWord,
        InQuote,
    }

    /// <summary>The flags found, in order; <paramref name="rest"/> is what follows them (untrimmed).</summary>
    /// <param name="line">The text after the instruction name.</param>
    /// <param name="escape">The Dockerfile's escape character.</param>
    /// <param name="word">A scratch buffer for the flag being read.</param>
    /// <param name="rest">The arguments after the flags.</param>
    public static IReadOnlyList<string> Extract(ReadOnlySpan<char> line, char escape, StringBuilder word, out ReadOnlySpan<char> rest)
    {
        // Most instructions have no flags at all.
        var first = 0;
        while (first < line.Length && DockerfileWhitespace.IsAsciiSpace(line[first]))
        {
            first++;
        }

        if (!line[first..].StartsWith("--", StringComparison.Ordinal))
        {
            rest = line[first..];
            return [];
        }

        var flags = new List<string>();
        word.Clear();
        var phase = Phase.BetweenWords;
        var quote = '\0';
        var blankOk = false;

        for (var pos = 0; pos <= line.Length; pos++)
        {
            var atEnd = pos == line.Length;
            var ch = atEnd ? '\0' : line[pos];

            if (phase == Phase.BetweenWords)
            {
                if (atEnd)
                {
                    break;
                }

                if (DockerfileWhitespace.IsAsciiSpace(ch))
                {
                    continue;
                }

                // Flags only continue while the next word starts with "--".
                if (ch != '-' || pos + 1 == line.Length || line[pos + 1] != '-')
                {
                    rest = line[pos..];
                    return flags;
                }

                phase = Phase.InWord;
            }

            if (atEnd)
            {
                if (word.Length != 2 || word[0] != '-' || word[1] != '-')
                {
                    if (blankOk || word.Length > 0)
                    {
                        flags.Add(word.ToString());
                    }
                }

                break;
            }

            if (phase == Phase.InWord)
            {
                if (DockerfileWhitespace.IsAsciiSpace(ch))
                {
                    if (word.Length == 2 && word[0] == '-' && word[1] == '-')
                    {
                        rest = line[pos..];
                        return flags;
                    }

                    if (blankOk || word.Length > 0)
                    {
                        flags.Add(word.ToString());
                    }

                    word.Clear();
                    blankOk = false;
                    phase = Phase.BetweenWords;
                    continue;
                }

                if (ch is '\'' or '"')
                {
                    quote = ch;
                    blankOk = true;
                    phase = Phase.InQuote;
                    continue;
                }

                if (ch == escape)
                {
                    if (pos + 1 == line.Length)
                    {
                        continue;
                    }

                    ch = line[++pos];
                }

                word.Append(ch);
                continue;
            }

            // Inside quotes: the escape character works in single quotes too, unlike a shell.
            if (ch == quote)
            {
                phase = Phase.InWord;
                continue;
            }

            if (ch == escape)
            {
                if (pos + 1 == line.Length)
                {
                    phase = Phase.InWord;
                    continue;
                }

                ch = line[++pos];
            }

            word.Append(ch);
        }

        rest = [];
        return flags;
    }
}
