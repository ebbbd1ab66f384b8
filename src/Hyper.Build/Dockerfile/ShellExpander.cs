using System.Text;

namespace Hyper.Build.Dockerfile;

/// <summary>
/// One expansion in progress: a cursor over the word's code points plus what was looked up.
/// Works on code points rather than UTF-16 units because BuildKit reads runes: <c>?</c> in a
/// pattern matches one character even outside the Basic Multilingual Plane.
/// </summary>
internal sealed partial class ShellExpander
{
    private const int End = -1;

    private readonly ShellLexer options;
    private readonly string source;
    private readonly int[] text;
    private readonly IReadOnlyDictionary<string, string> environment;

    // BuildKit keeps a single buffer for the word being split and clears it whenever the operand
    // of a ${NAME<op>...} starts, which drops the text of the current word that came before it
    // (ExpandWords("a${X:-b}") gives "b"). The sharing is kept on purpose so that EXPOSE and
    // heredoc detection split exactly as BuildKit does.
    private readonly StringBuilder wordBuffer = new();
    private int position;
    private bool preserveEscapes;

    public ShellExpander(ShellLexer options, string source, IReadOnlyDictionary<string, string> environment)
    {
        this.options = options;
        this.source = source;
        this.environment = environment;
        text = ToCodePoints(source);

        // A byte order mark is skipped only as the very first character, as Go's text scanner does.
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            position = 1;
        }
    }

    public HashSet<string> Matched { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Unmatched { get; } = new(StringComparer.Ordinal);

    public (string Text, List<string> Words) Expand()
    {
        try
        {
            return ReadUntil(End, options.PreserveEscapes);
        }
        catch (ExpansionFailure failure)
        {
            throw new ShellExpansionException(source, failure.Message);
        }
    }

    internal static int[] ToCodePoints(string value)
    {
        var points = new int[value.Length];
        var count = 0;
        var index = 0;
        while (index < value.Length)
        {
            // Lone surrogates decode to U+FFFD, as invalid UTF-8 does in Go.
            Rune.DecodeFromUtf16(value.AsSpan(index), out var rune, out var consumed);
            points[count++] = rune.Value;
            index += consumed;
        }

        // Only surrogate pairs make the text shorter in code points than in UTF-16 units.
        return count == points.Length ? points : points[..count];
    }

    internal static void AppendCodePoint(StringBuilder builder, int codePoint)
    {
        if (codePoint < 0x10000)
        {
            builder.Append((char)codePoint);
            return;
        }

        Span<char> pair = stackalloc char[2];
        var length = new Rune(codePoint).EncodeToUtf16(pair);
        builder.Append(pair[..length]);
    }

    private int Peek() => position < text.Length ? text[position] : End;

    private int Next()
    {
        if (position >= text.Length)
        {
            return End;
        }

        return text[position++];
    }

    /// <summary>Reads up to <paramref name="stop"/> (consumed) or the end, expanding as it goes.</summary>
    private (string Text, List<string> Words) ReadUntil(int stop, bool withEscapes)
    {
        var result = new StringBuilder();
        wordBuffer.Clear();
        var words = new ShellWordSplitter(wordBuffer);
        var outer = preserveEscapes;
        preserveEscapes = withEscapes;
        try
        {
            while (Peek() != End)
            {
                var ch = Peek();
                if (stop != End && ch == stop)
                {
                    Next();
                    return (result.ToString(), words.Finish());
                }

                if (ch == '$')
                {
                    var value = ExpandParameter();
                    result.Append(value);
                    words.Add(value);
                    continue;
                }

                if (ch == '<')
                {
                    var redirect = ReadPossibleHeredoc();
                    result.Append(redirect);
                    words.AddLiteral(redirect);
                    continue;
                }

                if (!options.QuotesAreLiteral && ch is '\'' or '"')
                {
                    var quoted = ch == '\'' ? ReadSingleQuoted() : ReadDoubleQuoted();
                    result.Append(quoted);
                    words.AddLiteral(quoted);
                    continue;
                }

                Next();
                if (ch == options.EscapeToken)
                {
                    if (preserveEscapes)
                    {
                        words.AddLiteral(ch);
                        AppendCodePoint(result, ch);
                    }

                    ch = Next();
                    if (ch == End)
                    {
                        // An escape at the very end escapes nothing and disappears.
                        break;
                    }

                    words.AddLiteral(ch);
                }
                else
                {
                    words.Add(ch);
                }

                AppendCodePoint(result, ch);
            }
        }
        finally
        {
            preserveEscapes = outer;
        }

        if (stop != End)
        {
            throw new ExpansionFailure($"reached the end while looking for '{(char)stop}'");
        }

        return (result.ToString(), words.Finish());
    }

    private string ReadSingleQuoted()
    {
        // Everything up to the next single quote is literal; a single quote cannot be escaped inside.
        var result = new StringBuilder();
        var open = Next();
        if (options.PreserveQuotes)
        {
            AppendCodePoint(result, open);
        }

        while (true)
        {
            var ch = Next();
            if (ch == End)
            {
                throw new ExpansionFailure("unterminated single-quoted string: add the closing '");
            }

            if (ch == '\'')
            {
                if (options.PreserveQuotes)
                {
                    result.Append('\'');
                }

                return result.ToString();
            }

            AppendCodePoint(result, ch);
        }
    }

    private string ReadDoubleQuoted()
    {
        // Variables expand inside double quotes; the escape token only escapes ", $ and itself
        // and stays literal before anything else.
        var result = new StringBuilder();
        var open = Next();
        if (options.PreserveQuotes)
        {
            AppendCodePoint(result, open);
        }

        while (true)
        {
            var peek = Peek();
            if (peek == End)
            {
                throw new ExpansionFailure("unterminated double-quoted string: add the closing \"");
            }

            if (peek == '"')
            {
                Next();
                if (options.PreserveQuotes)
                {
                    result.Append('"');
                }

                return result.ToString();
            }

            if (peek == '$')
            {
                result.Append(ExpandParameter());
                continue;
            }

            var ch = Next();
            if (ch == options.EscapeToken)
            {
                if (preserveEscapes)
                {
                    AppendCodePoint(result, ch);
                }

                var escaped = Peek();
                if (escaped == End)
                {
                    continue;
                }

                if (escaped == '"' || escaped == '$' || escaped == options.EscapeToken)
                {
                    ch = Next();
                }
            }

            AppendCodePoint(result, ch);
        }
    }

    private string ReadPossibleHeredoc()
    {
        // "<<" keeps the blanks that follow it in the same word, so "<< EOF" stays one word and
        // the parser can recognise the heredoc.
        Next();
        if (Peek() != '<')
        {
            return "<";
        }

        Next();
        var result = new StringBuilder("<<");
        while (Peek() is ' ' or '\t' or '\r')
        {
            result.Append((char)Next());
        }

        return result.ToString();
    }

    private sealed class ExpansionFailure(string reason) : Exception(reason);
}
