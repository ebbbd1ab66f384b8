using System.Globalization;
using System.Text;

namespace Hyper.Build.Dockerfile.Parsing;

/// <summary>
/// Reads the exec form <c>["a", "b"]</c> with the rules of Go's encoding/json, which BuildKit uses:
/// the whole text must be one valid JSON value (any syntax error means shell form), nesting deeper
/// than 10000 is a syntax error, and an unpaired surrogate escape decodes to U+FFFD.
/// </summary>
internal static class JsonStringArray
{
    private const int MaxDepth = 10000;

    public static JsonArrayKind Parse(ReadOnlySpan<char> text, out List<string> values)
    {
        values = [];
        text = text.TrimStart();
        if (text.IsEmpty || text[0] != '[')
        {
            return JsonArrayKind.NotJson;
        }

        var reader = new Reader(text);
        var allStrings = true;
        reader.Position = 1;
        reader.SkipWhitespace();
        if (reader.Peek() == ']')
        {
            reader.Position++;
        }
        else
        {
            while (true)
            {
                reader.SkipWhitespace();
                if (reader.Peek() == '"')
                {
                    var value = reader.ReadString();
                    if (value is null)
                    {
                        return JsonArrayKind.NotJson;
                    }

                    values.Add(value);
                }
                else
                {
                    allStrings = false;
                    if (!reader.SkipValue(depth: 1))
                    {
                        return JsonArrayKind.NotJson;
                    }
                }

                reader.SkipWhitespace();
                var next = reader.Next();
                if (next == ']')
                {
                    break;
                }

                if (next != ',')
                {
                    return JsonArrayKind.NotJson;
                }
            }
        }

        reader.SkipWhitespace();
        if (!reader.AtEnd)
        {
            return JsonArrayKind.NotJson;
        }

        if (!allStrings)
        {
            values = [];
            return JsonArrayKind.NotStrings;
        }

        return JsonArrayKind.Strings;
    }

    private ref struct Reader(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;

        public int Position;

        public readonly bool AtEnd => Position >= _text.Length;

        public readonly int Peek() => Position < _text.Length ? _text[Position] : -1;

        public int Next() => Position < _text.Length ? _text[Position++] : -1;

        public void SkipWhitespace()
        {
            while (Position < _text.Length && _text[Position] is ' ' or '\t' or '\n' or '\r')
            {
                Position++;
            }
        }

        /// <summary>Validates one value of any kind; <paramref name="depth"/> counts the containers around it.</summary>
        public bool SkipValue(int depth)
        {
            SkipWhitespace();
            switch (Peek())
            {
                case '"':
                    return ReadString() is not null;
                case '[':
                case '{':
                    return SkipContainers(depth);
                case 't':
                    return SkipLiteral("true");
                case 'f':
                    return SkipLiteral("false");
                case 'n':
                    return SkipLiteral("null");
                default:
                    return SkipNumber();
            }
        }

        // Containers are walked with an explicit stack so that deep nesting cannot overflow ours.
        private bool SkipContainers(int depth)
        {
            var closers = new Stack<char>();
            while (true)
            {
                SkipWhitespace();
                var open = Peek();
                if (open is '[' or '{')
                {
                    Position++;
                    if (depth + closers.Count + 1 > MaxDepth)
                    {
                        return false;
                    }

                    closers.Push(open == '[' ? ']' : '}');
                    SkipWhitespace();
                    if (Peek() == closers.Peek())
                    {
                        Position++;
                        closers.Pop();
                        if (!AfterValue(closers, out var done) || done)
                        {
                            return done;
                        }

                        continue;
                    }

                    if (closers.Peek() == '}' && !SkipKey())
                    {
                        return false;
                    }

                    continue;
                }

                if (!SkipScalar())
                {
                    return false;
                }

                if (!AfterValue(closers, out var finished) || finished)
                {
                    return finished;
                }
            }
        }

        /// <summary>After a value inside containers: a comma (and a key in objects) or closing brackets.</summary>
        private bool AfterValue(Stack<char> closers, out bool done)
        {
            done = false;
            while (closers.Count > 0)
            {
                SkipWhitespace();
                var next = Next();
                if (next == ',')
                {
                    return closers.Peek() != '}' || SkipKey();
                }

                if (next != closers.Peek())
                {
                    return false;
                }

                closers.Pop();
            }

            done = true;
            return true;
        }

        private bool SkipKey()
        {
            SkipWhitespace();
            if (Peek() != '"' || ReadString() is null)
            {
                return false;
            }

            SkipWhitespace();
            return Next() == ':';
        }

        private bool SkipScalar()
        {
            SkipWhitespace();
            return Peek() switch
            {
                '"' => ReadString() is not null,
                't' => SkipLiteral("true"),
                'f' => SkipLiteral("false"),
                'n' => SkipLiteral("null"),
                _ => SkipNumber(),
            };
        }

        private bool SkipLiteral(string literal)
        {
            if (!_text[Position..].StartsWith(literal, StringComparison.Ordinal))
            {
                return false;
            }

            Position += literal.Length;
            return true;
        }

        private bool SkipNumber()
        {
            if (Peek() == '-')
            {
                Position++;
            }

            if (Peek() == '0')
            {
                Position++;
            }
            else if (!SkipDigits())
            {
                return false;
            }

            if (Peek() == '.')
            {
                Position++;
                if (!SkipDigits())
                {
                    return false;
                }
            }

            if (Peek() is 'e' or 'E')
            {
                Position++;
                if (Peek() is '+' or '-')
                {
                    Position++;
                }

                if (!SkipDigits())
                {
                    return false;
                }
            }

            return true;
        }

        private bool SkipDigits()
        {
            var start = Position;
            while (Peek() is >= '0' and <= '9')
            {
                Position++;
            }

            return Position > start;
        }

        /// <summary>Reads a string at a double quote; null when it is not valid JSON.</summary>
        public string? ReadString()
        {
            Position++;
            var start = Position;
            while (Position < _text.Length && _text[Position] is not ('"' or '\\') && _text[Position] >= 0x20)
            {
                Position++;
            }

            if (Position < _text.Length && _text[Position] == '"')
            {
                return _text[start..Position++].ToString();
            }

            var value = new StringBuilder().Append(_text[start..Position]);
            while (true)
            {
                var c = Next();
                switch (c)
                {
                    case -1:
                        return null;
                    case '"':
                        return value.ToString();
                    case < 0x20:
                        return null;
                    case '\\':
                        if (!ReadEscape(value))
                        {
                            return null;
                        }

                        break;
                    default:
                        value.Append((char)c);
                        break;
                }
            }
        }

        private bool ReadEscape(StringBuilder value)
        {
            switch (Next())
            {
                case '"': value.Append('"'); return true;
                case '\\': value.Append('\\'); return true;
                case '/': value.Append('/'); return true;
                case 'b': value.Append('\b'); return true;
                case 'f': value.Append('\f'); return true;
                case 'n': value.Append('\n'); return true;
                case 'r': value.Append('\r'); return true;
                case 't': value.Append('\t'); return true;
                case 'u':
                    break;
                default:
                    return false;
            }

            if (!TryReadHex4(Position, out var unit))
            {
                return false;
            }

            Position += 4;
            if (!char.IsSurrogate(unit))
            {
                value.Append(unit);
                return true;
            }

            // A high surrogate followed by an escaped low one is a pair; anything else is U+FFFD,
            // and the following escape (if any) is read on its own.
            if (char.IsHighSurrogate(unit)
                && Position + 1 < _text.Length && _text[Position] == '\\' && _text[Position + 1] == 'u'
                && TryReadHex4(Position + 2, out var low) && char.IsLowSurrogate(low))
            {
                Position += 6;
                value.Append(unit).Append(low);
                return true;
            }

            value.Append('\uFFFD');
            return true;
        }

        private readonly bool TryReadHex4(int at, out char unit)
        {
            unit = '\0';
            if (at + 4 > _text.Length
                || !ushort.TryParse(_text.Slice(at, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var parsed))
            {
                return false;
            }

            unit = (char)parsed;
            return true;
        }
    }
}
