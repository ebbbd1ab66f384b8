using System.Text;

namespace Hyper.Build.Dockerfile.Parsing;

/// <summary>
/// The small part of BuildKit's shell-word lexer that decides where here-documents are: words split on
/// white space with quotes, <c>$</c> references (always left as written: nothing is defined here) and
/// <c>&lt;&lt;</c> operators, which keep any blanks after them so that <c>&lt;&lt; EOF</c> stays one word.
/// The escape character is always the backslash here, whatever the Dockerfile's escape directive says,
/// because BuildKit does the same.
/// </summary>
internal sealed class HeredocWordLexer
{
    private const char Escape = '\\';
    private const int EndOfInput = -1;

    private readonly string _text;
    private readonly bool _rawQuotes;
    private readonly StringBuilder _wordBuffer = new();
    private bool _rawEscapes;
    private int _position;

    private HeredocWordLexer(string text, bool rawQuotes, bool rawEscapes)
    {
        _text = text;
        _rawQuotes = rawQuotes;
        _rawEscapes = rawEscapes;
    }

    /// <summary>Splits <paramref name="text"/> into words; throws <see cref="FormatException"/> on an unterminated quote or a bad <c>${…}</c>.</summary>
    /// <param name="text">An instruction line, or the delimiter part of one here-document operator.</param>
    /// <param name="rawQuotes">Keep quote characters in the words.</param>
    /// <param name="rawEscapes">Keep escape characters in the words.</param>
    public static List<string> Words(string text, bool rawQuotes, bool rawEscapes)
    {
        var lexer = new HeredocWordLexer(text, rawQuotes, rawEscapes);
        var (_, words) = lexer.ProcessUntil(EndOfInput, rawEscapes);
        return words;
    }

    private int Peek() => _position < _text.Length ? _text[_position] : EndOfInput;

    private int Next() => _position < _text.Length ? _text[_position++] : EndOfInput;

    private (string Result, List<string> Words) ProcessUntil(int stop, bool rawEscapes)
    {
        var result = new StringBuilder();

        // The word buffer is shared with nested ${…} processing, which clears it: BuildKit behaves the same.
        _wordBuffer.Clear();
        var words = new WordCollector(_wordBuffer);
        var savedRawEscapes = _rawEscapes;
        _rawEscapes = rawEscapes;
        try
        {
            while (Peek() != EndOfInput)
            {
                var ch = Peek();
                if (stop != EndOfInput && ch == stop)
                {
                    Next();
                    return (result.ToString(), words.Finish());
                }

                switch (ch)
                {
                    case '$':
                        {
                            var text = ProcessDollar();
                            result.Append(text);
                            words.AddSplitting(text);
                            continue;
                        }

                    case '<':
                        {
                            var text = ProcessPossibleHeredoc();
                            result.Append(text);
                            words.AddRaw(text);
                            continue;
                        }

                    case '\'':
                        {
                            var text = ProcessSingleQuote();
                            result.Append(text);
                            words.AddRaw(text);
                            continue;
                        }

                    case '"':
                        {
                            var text = ProcessDoubleQuote();
                            result.Append(text);
                            words.AddRaw(text);
                            continue;
                        }
                }

                var c = (char)Next();
                if (c == Escape)
                {
                    if (_rawEscapes)
                    {
                        words.AddRaw(c);
                        result.Append(c);
                    }

                    var escaped = Next();
                    if (escaped == EndOfInput)
                    {
                        break;
                    }

                    c = (char)escaped;
                    words.AddRaw(c);
                }
                else
                {
                    words.Add(c);
                }

                result.Append(c);
            }

            if (stop != EndOfInput)
            {
                throw new FormatException($"unexpected end of statement while looking for matching {(char)stop}");
            }

            return (result.ToString(), words.Finish());
        }
        finally
        {
            _rawEscapes = savedRawEscapes;
        }
    }

    private string ProcessSingleQuote()
    {
        var result = new StringBuilder();
        var open = (char)Next();
        if (_rawQuotes)
        {
            result.Append(open);
        }

        while (true)
        {
            var ch = Next();
            if (ch == EndOfInput)
            {
                throw new FormatException("unexpected end of statement while looking for matching single-quote");
            }

            result.Append((char)ch);
            if (ch == '\'')
            {
                if (!_rawQuotes)
                {
                    result.Length--;
                }

                return result.ToString();
            }
        }
    }

    private string ProcessDoubleQuote()
    {
        var result = new StringBuilder();
        var open = (char)Next();
        if (_rawQuotes)
        {
            result.Append(open);
        }

        while (true)
        {
            switch (Peek())
            {
                case EndOfInput:
                    throw new FormatException("unexpected end of statement while looking for matching double-quote");
                case '"':
                    {
                        var close = (char)Next();
                        if (_rawQuotes)
                        {
                            result.Append(close);
                        }

                        return result.ToString();
                    }

                case '$':
                    result.Append(ProcessDollar());
                    break;
                default:
                    {
                        var ch = (char)Next();
                        if (ch == Escape)
                        {
                            if (_rawEscapes)
                            {
                                result.Append(ch);
                            }

                            var next = Peek();
                            if (next == EndOfInput)
                            {
                                continue;
                            }

                            // Only ", $ and the escape character are escapable in double quotes; before anything
                            // else the escape character itself is kept.
                            if (next is '"' or '$' or Escape)
                            {
                                ch = (char)Next();
                            }
                        }

                        result.Append(ch);
                        break;
                    }
            }
        }
    }

    // Nothing is defined while looking for here-documents, so every reference comes back as written
    // (BuildKit's "skip unset variables" mode), though malformed ${…} is still an error.
    private string ProcessDollar()
    {
        Next();
        if (Peek() != '{')
        {
            var name = ProcessName();
            return name.Length == 0 ? "$" : "$" + name;
        }

        Next();
        switch (Peek())
        {
            case EndOfInput:
                throw new FormatException("syntax error: missing '}'");
            case '{' or '}' or ':':
                throw new FormatException("syntax error: bad substitution");
        }

        var variable = ProcessName();
        var ch = Next();
        var modifier = ch == EndOfInput ? "\uFFFD" : ((char)ch).ToString();
        var nullIsUnset = false;
        switch (ch)
        {
            case '}':
                return "${" + variable + "}";
            case '/':
                {
                    if (Peek() == '/')
                    {
                        Next();
                    }

                    var pattern = ProcessNested('/', "syntax error: missing '/' in ${}");
                    var replacement = ProcessNested('}', "syntax error: missing '}'");
                    return "${" + variable + "/" + pattern + "/" + replacement + "}";
                }

            case ':':
                nullIsUnset = true;
                ch = Next();
                modifier += ch == EndOfInput ? "\uFFFD" : ((char)ch).ToString();
                break;
            case '+' or '-' or '?' or '#' or '%':
                break;
            default:
                throw new FormatException($"unsupported modifier ({modifier}) in substitution");
        }

        var rawEscapes = ch is '#' or '%';
        if (nullIsUnset && rawEscapes)
        {
            throw new FormatException($"unsupported modifier ({modifier}) in substitution");
        }

        var word = ProcessNested('}', "syntax error: missing '}'", rawEscapes);
        return "${" + variable + modifier + word + "}";
    }

    private string ProcessNested(char stop, string missingMessage, bool rawEscapes = true)
    {
        try
        {
            return ProcessUntil(stop, rawEscapes).Result;
        }
        catch (FormatException) when (Peek() == EndOfInput)
        {
            throw new FormatException(missingMessage);
        }
    }

    private string ProcessName()
    {
        var start = _position;
        if (_position < _text.Length && char.IsDigit(_text[_position]))
        {
            while (_position < _text.Length && char.IsDigit(_text[_position]))
            {
                _position++;
            }

            return _text[start.._position];
        }

        if (_position < _text.Length && _text[_position] is '@' or '*' or '#' or '?' or '-' or '$' or '!' or '0')
        {
            _position++;
            return _text[start.._position];
        }

        while (_position < _text.Length)
        {
            var c = _text[_position];
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                _position++;
                continue;
            }

            // Letters outside the basic plane arrive as surrogate pairs.
            if (char.IsHighSurrogate(c) && _position + 1 < _text.Length && char.IsLetterOrDigit(_text, _position))
            {
                _position += 2;
                continue;
            }

            break;
        }

        return _text[start.._position];
    }

    private string ProcessPossibleHeredoc()
    {
        Next();
        if (Peek() != '<')
        {
            return "<";
        }

        Next();
        var start = _position;
        while (Peek() is '\t' or '\r' or ' ')
        {
            _position++;
        }

        return "<<" + _text[start.._position];
    }

    /// <summary>Collects words: characters added plainly split on white space, raw ones never do.</summary>
    private sealed class WordCollector(StringBuilder buffer)
    {
        private readonly List<string> _words = [];
        private bool _inWord;

        public void Add(char c)
        {
            if (!DockerfileWhitespace.IsSpace(c))
            {
                AddRaw(c);
                return;
            }

            if (_inWord && buffer.Length != 0)
            {
                _words.Add(buffer.ToString());
                buffer.Clear();
                _inWord = false;
            }
        }

        public void AddSplitting(string text)
        {
            foreach (var c in text)
            {
                Add(c);
            }
        }

        public void AddRaw(char c)
        {
            buffer.Append(c);
            _inWord = true;
        }

        public void AddRaw(string text)
        {
            buffer.Append(text);
            _inWord = true;
        }

        public List<string> Finish()
        {
            if (buffer.Length > 0)
            {
                _words.Add(buffer.ToString());
                buffer.Clear();
                _inWord = false;
            }

            return _words;
        }
    }
}
