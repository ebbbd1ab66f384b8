using System.Text;

namespace Hyper.Build.Dockerfile.Parsing;

/// <summary>
/// Splits ENV, LABEL and ARG arguments into words on white space, keeping quotes and escape
/// characters in the words (they are removed later, when variables are expanded).
/// </summary>
internal static class QuotedWords
{
    private enum Phase
    {
        BetweenWords,
        InWord,
        InQuote,
    }

    /// <param name="text">The arguments.</param>
    /// <param name="escape">The Dockerfile's escape character.</param>
    /// <param name="word">A scratch buffer for the word being read.</param>
    public static List<string> Split(ReadOnlySpan<char> text, char escape, StringBuilder word)
    {
        var words = new List<string>();
        word.Clear();
        var phase = Phase.BetweenWords;
        var quote = '\0';
        var blankOk = false;

        for (var pos = 0; pos <= text.Length; pos++)
        {
            var atEnd = pos == text.Length;
            var ch = atEnd ? '\0' : text[pos];

            if (phase == Phase.BetweenWords)
            {
                if (atEnd)
                {
                    break;
                }

                if (DockerfileWhitespace.IsSpace(ch))
                {
                    continue;
                }

                phase = Phase.InWord;
            }

            if (atEnd)
            {
                if (blankOk || word.Length > 0)
                {
                    words.Add(word.ToString());
                }

                break;
            }

            if (phase == Phase.InWord)
            {
                if (DockerfileWhitespace.IsSpace(ch))
                {
                    if (blankOk || word.Length > 0)
                    {
                        words.Add(word.ToString());
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
                }

                if (ch == escape)
                {
                    // A trailing escape character is dropped; otherwise it stays, with the character it escapes.
                    if (pos + 1 == text.Length)
                    {
                        continue;
                    }

                    word.Append(ch);
                    ch = text[++pos];
                }

                word.Append(ch);
                continue;
            }

            if (ch == quote)
            {
                phase = Phase.InWord;
            }

            // Nothing can be escaped inside single quotes.
            if (ch == escape && quote != '\'')
            {
                if (pos + 1 == text.Length)
                {
                    phase = Phase.InWord;
                    continue;
                }

                word.Append(ch);
                ch = text[++pos];
            }

            word.Append(ch);
        }

        return words;
    }
}
