using System.Globalization;

namespace Hyper.Build.Context;

/// <summary>Reading RE2 syntax into the node tree.</summary>
internal sealed partial class IgnoreRegex
{
    private static readonly (int, int)[] Digits = [('0', '9')];
    private static readonly (int, int)[] Spaces = [('\t', '\n'), ('\f', '\r'), (' ', ' ')];
    private static readonly (int, int)[] WordCharacters = [('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];

    private static readonly Dictionary<string, (int, int)[]> PosixClasses = new(StringComparer.Ordinal)
    {
        ["alnum"] = [('0', '9'), ('A', 'Z'), ('a', 'z')],
        ["alpha"] = [('A', 'Z'), ('a', 'z')],
        ["ascii"] = [(0, 0x7F)],
        ["blank"] = [('\t', '\t'), (' ', ' ')],
        ["cntrl"] = [(0, 0x1F), (0x7F, 0x7F)],
        ["digit"] = Digits,
        ["graph"] = [('!', '~')],
        ["lower"] = [('a', 'z')],
        ["print"] = [(' ', '~')],
        ["punct"] = [('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        ["space"] = [('\t', '\r'), (' ', ' ')],
        ["upper"] = [('A', 'Z')],
        ["word"] = WordCharacters,
        ["xdigit"] = [('0', '9'), ('A', 'F'), ('a', 'f')],
    };

    private static readonly Dictionary<string, UnicodeCategory[]> Categories = new(StringComparer.Ordinal)
    {
        // Go's "C" leaves out unassigned code points (Cn).
        ["C"] = [UnicodeCategory.Control, UnicodeCategory.Format, UnicodeCategory.PrivateUse, UnicodeCategory.Surrogate],
        ["Cc"] = [UnicodeCategory.Control],
        ["Cf"] = [UnicodeCategory.Format],
        ["Co"] = [UnicodeCategory.PrivateUse],
        ["Cs"] = [UnicodeCategory.Surrogate],
        ["L"] = [UnicodeCategory.UppercaseLetter, UnicodeCategory.LowercaseLetter, UnicodeCategory.TitlecaseLetter, UnicodeCategory.ModifierLetter, UnicodeCategory.OtherLetter],
        ["Ll"] = [UnicodeCategory.LowercaseLetter],
        ["Lm"] = [UnicodeCategory.ModifierLetter],
        ["Lo"] = [UnicodeCategory.OtherLetter],
        ["Lt"] = [UnicodeCategory.TitlecaseLetter],
        ["Lu"] = [UnicodeCategory.UppercaseLetter],
        ["M"] = [UnicodeCategory.SpacingCombiningMark, UnicodeCategory.EnclosingMark, UnicodeCategory.NonSpacingMark],
        ["Mc"] = [UnicodeCategory.SpacingCombiningMark],
        ["Me"] = [UnicodeCategory.EnclosingMark],
        ["Mn"] = [UnicodeCategory.NonSpacingMark],
        ["N"] = [UnicodeCategory.DecimalDigitNumber, UnicodeCategory.LetterNumber, UnicodeCategory.OtherNumber],
        ["Nd"] = [UnicodeCategory.DecimalDigitNumber],
        ["Nl"] = [UnicodeCategory.LetterNumber],
        ["No"] = [UnicodeCategory.OtherNumber],
        ["P"] = [UnicodeCategory.ConnectorPunctuation, UnicodeCategory.DashPunctuation, UnicodeCategory.ClosePunctuation, UnicodeCategory.FinalQuotePunctuation, UnicodeCategory.InitialQuotePunctuation, UnicodeCategory.OtherPunctuation, UnicodeCategory.OpenPunctuation],
        ["Pc"] = [UnicodeCategory.ConnectorPunctuation],
        ["Pd"] = [UnicodeCategory.DashPunctuation],
        ["Pe"] = [UnicodeCategory.ClosePunctuation],
        ["Pf"] = [UnicodeCategory.FinalQuotePunctuation],
        ["Pi"] = [UnicodeCategory.InitialQuotePunctuation],
        ["Po"] = [UnicodeCategory.OtherPunctuation],
        ["Ps"] = [UnicodeCategory.OpenPunctuation],
        ["S"] = [UnicodeCategory.CurrencySymbol, UnicodeCategory.ModifierSymbol, UnicodeCategory.MathSymbol, UnicodeCategory.OtherSymbol],
        ["Sc"] = [UnicodeCategory.CurrencySymbol],
        ["Sk"] = [UnicodeCategory.ModifierSymbol],
        ["Sm"] = [UnicodeCategory.MathSymbol],
        ["So"] = [UnicodeCategory.OtherSymbol],
        ["Z"] = [UnicodeCategory.SpaceSeparator, UnicodeCategory.LineSeparator, UnicodeCategory.ParagraphSeparator],
        ["Zl"] = [UnicodeCategory.LineSeparator],
        ["Zp"] = [UnicodeCategory.ParagraphSeparator],
        ["Zs"] = [UnicodeCategory.SpaceSeparator],
    };

    /// <summary>Parses an RE2 expression.</summary>
    /// <exception cref="FormatException">The expression is not valid RE2 (or uses a Unicode script, which Hyper does not know).</exception>
    public static IgnoreRegex Parse(string expression)
    {
        var reader = new Reader(ToCodePoints(expression));
        var root = ParseSequence(reader, insideGroup: false);
        return new IgnoreRegex(root);
    }

    private static SequenceNode ParseSequence(Reader reader, bool insideGroup)
    {
        var items = new List<Node>();
        var afterRepeat = false;
        while (true)
        {
            if (reader.AtEnd)
            {
                if (insideGroup)
                {
                    throw new FormatException("missing closing )");
                }

                return new SequenceNode(items);
            }

            var c = reader.Peek();
            if (c is '*' or '+' or '?')
            {
                reader.Next();
                if (afterRepeat)
                {
                    throw new FormatException("a repetition operator follows another one");
                }

                if (items.Count == 0)
                {
                    throw new FormatException("a repetition operator has nothing to repeat");
                }

                // A trailing '?' only makes the repetition lazy, which cannot change whether it matches.
                if (reader.Peek() == '?')
                {
                    reader.Next();
                }

                items[^1] = new RepeatNode(items[^1], (char)c);
                afterRepeat = true;
                continue;
            }

            afterRepeat = false;
            reader.Next();
            switch (c)
            {
                case '(':
                    if (reader.Peek() == '?')
                    {
                        throw new FormatException("group flags are not supported");
                    }

                    items.Add(ParseSequence(reader, insideGroup: true));
                    break;
                case ')':
                    if (!insideGroup)
                    {
                        throw new FormatException("unexpected )");
                    }

                    return new SequenceNode(items);
                case '|':
                    throw new FormatException("alternation is not supported");
                case '[':
                    items.Add(new CharacterNode(ParseClass(reader)));
                    break;
                case '.':
                    items.Add(new CharacterNode(CharClass.AnyButNewline()));
                    break;
                case '^':
                    items.Add(new AnchorNode(Anchor.BeginText));
                    break;
                case '$':
                    items.Add(new AnchorNode(Anchor.EndText));
                    break;
                case '\\':
                    ParseEscapeOutsideClass(reader, items);
                    break;
                default:
                    items.Add(new CharacterNode(CharClass.Single(c)));
                    break;
            }
        }
    }

    private static void ParseEscapeOutsideClass(Reader reader, List<Node> items)
    {
        switch (reader.Peek())
        {
            case 'A':
                reader.Next();
                items.Add(new AnchorNode(Anchor.BeginText));
                return;
            case 'z':
                reader.Next();
                items.Add(new AnchorNode(Anchor.EndText));
                return;
            case 'b':
                reader.Next();
                items.Add(new AnchorNode(Anchor.WordBoundary));
                return;
            case 'B':
                reader.Next();
                items.Add(new AnchorNode(Anchor.NotWordBoundary));
                return;
            case 'C':
                throw new FormatException("invalid escape \\C");
            case 'Q':
                // Everything up to \E (or the end) is literal.
                reader.Next();
                while (!reader.AtEnd)
                {
                    if (reader.Peek() == '\\' && reader.Peek(1) == 'E')
                    {
                        reader.Next();
                        reader.Next();
                        return;
                    }

                    items.Add(new CharacterNode(CharClass.Single(reader.Next())));
                }

                return;
        }

        var named = new CharClass();
        if (TryParseNamedEscape(reader, named))
        {
            items.Add(new CharacterNode(named));
            return;
        }

        items.Add(new CharacterNode(CharClass.Single(ParseEscapedCharacter(reader))));
    }

    /// <summary>Reads a class after its '['.</summary>
    private static CharClass ParseClass(Reader reader)
    {
        var result = new CharClass();
        if (reader.Peek() == '^')
        {
            reader.Next();
            result.Negated = true;
        }

        var first = true;
        while (reader.AtEnd || reader.Peek() != ']' || first)
        {
            first = false;
            if (reader.Peek() == '[' && reader.Peek(1) == ':' && TryParsePosixClass(reader, result))
            {
                continue;
            }

            if (reader.Peek() == '\\' && TryParseNamedEscapeAt(reader, result))
            {
                continue;
            }

            var low = ParseClassCharacter(reader);
            var high = low;
            if (reader.Peek() == '-' && reader.Peek(1) is not (']' or Reader.End))
            {
                reader.Next();
                high = ParseClassCharacter(reader);
                if (high < low)
                {
                    throw new FormatException("a range in a character class runs backwards");
                }
            }

            result.AddRange(low, high);
        }

        reader.Next();
        return result;
    }

    private static int ParseClassCharacter(Reader reader)
    {
        if (reader.AtEnd)
        {
            throw new FormatException("missing closing ]");
        }

        var c = reader.Next();
        return c == '\\' ? ParseEscapedCharacter(reader) : c;
    }

    private static bool TryParsePosixClass(Reader reader, CharClass into)
    {
        // "[:name:]" inside a class; the closing ":]" is searched for in the rest of the expression.
        var close = reader.IndexOf(':', ']', from: 2);
        if (close < 0)
        {
            return false;
        }

        var name = reader.Text(2, close);
        var negated = name.StartsWith('^');
        if (!PosixClasses.TryGetValue(negated ? name[1..] : name, out var ranges))
        {
            throw new FormatException($"unknown character class [:{name}:]");
        }

        into.AddRanges(ranges, negated);
        reader.Skip(close + 2);
        return true;
    }

    private static bool TryParseNamedEscape(Reader reader, CharClass into)
    {
        // The backslash has been consumed; look at what follows it.
        reader.Back();
        if (TryParseNamedEscapeAt(reader, into))
        {
            return true;
        }

        reader.Next();
        return false;
    }

    /// <summary>Reads \d \s \w (and upper-case negations) or \p/\P Unicode classes at a backslash.</summary>
    private static bool TryParseNamedEscapeAt(Reader reader, CharClass into)
    {
        var letter = reader.Peek(1);
        (int, int)[]? perl = letter switch
        {
            'd' or 'D' => Digits,
            's' or 'S' => Spaces,
            'w' or 'W' => WordCharacters,
            _ => null,
        };
        if (perl is not null)
        {
            into.AddRanges(perl, negated: char.IsUpper((char)letter));
            reader.Skip(2);
            return true;
        }

        if (letter is not ('p' or 'P'))
        {
            return false;
        }

        var negated = letter == 'P';
        string name;
        if (reader.Peek(2) == '{')
        {
            var close = reader.IndexOf('}', from: 3);
            if (close < 0)
            {
                throw new FormatException("unclosed \\p{");
            }

            name = reader.Text(3, close);
            reader.Skip(close + 1);
        }
        else
        {
            name = reader.Peek(2) == Reader.End ? string.Empty : char.ConvertFromUtf32(reader.Peek(2));
            reader.Skip(reader.Peek(2) == Reader.End ? 2 : 3);
        }

        if (name.StartsWith('^'))
        {
            negated = !negated;
            name = name[1..];
        }

        if (name == "Any")
        {
            into.AddCategories(null, negated);
            return true;
        }

        if (!Categories.TryGetValue(name, out var categories))
        {
            throw new FormatException($"unknown or unsupported Unicode class \\p{{{name}}} (Hyper knows general categories such as L or Nd, not scripts)");
        }

        into.AddCategories(categories.ToHashSet(), negated);
        return true;
    }

    /// <summary>Reads the character after a backslash (already consumed).</summary>
    private static int ParseEscapedCharacter(Reader reader)
    {
        if (reader.AtEnd)
        {
            throw new FormatException("trailing backslash");
        }

        var c = reader.Next();
        switch (c)
        {
            case >= '1' and <= '7' when reader.Peek() is < '0' or > '7':
                // A lone digit would be a backreference, which RE2 does not have.
                throw new FormatException($"invalid escape \\{(char)c}");
            case >= '0' and <= '7':
                var value = c - '0';
                for (var i = 1; i < 3 && reader.Peek() is >= '0' and <= '7'; i++)
                {
                    value = (value * 8) + (reader.Next() - '0');
                }

                return value;
            case 'x':
                return ParseHexEscape(reader);
            case 'a':
                return 7;
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'v':
                return '\v';
            case < 0x80 when !char.IsAsciiLetterOrDigit((char)c):
                // Escaped punctuation is itself.
                return c;
            default:
                throw new FormatException($"invalid escape \\{char.ConvertFromUtf32(c)}");
        }
    }

    private static int ParseHexEscape(Reader reader)
    {
        if (reader.Peek() == '{')
        {
            reader.Next();
            var value = 0;
            var digits = 0;
            while (true)
            {
                var c = reader.Next();
                if (c == '}' && digits > 0)
                {
                    return value;
                }

                var digit = HexValue(c);
                if (digit < 0 || (value = (value * 16) + digit) > 0x10FFFF)
                {
                    throw new FormatException("invalid \\x{...} escape");
                }

                digits++;
            }
        }

        var high = HexValue(reader.Next());
        var low = HexValue(reader.Next());
        if (high < 0 || low < 0)
        {
            throw new FormatException("invalid \\x escape: two hexadecimal digits expected");
        }

        return (high * 16) + low;
    }

    private static int HexValue(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>A cursor over code points.</summary>
    private sealed class Reader(int[] text)
    {
        public const int End = -1;

        private int position;

        public bool AtEnd => position >= text.Length;

        public int Peek(int ahead = 0) => position + ahead < text.Length ? text[position + ahead] : End;

        public int Next() => position < text.Length ? text[position++] : End;

        public void Back() => position--;

        public void Skip(int count) => position += count;

        /// <summary>Offset (from the cursor) of the first <paramref name="c"/> at or after <paramref name="from"/>, or -1.</summary>
        public int IndexOf(int c, int from)
        {
            for (var i = position + from; i < text.Length; i++)
            {
                if (text[i] == c)
                {
                    return i - position;
                }
            }

            return -1;
        }

        /// <summary>Offset of the first <paramref name="c"/> immediately followed by <paramref name="then"/>, or -1.</summary>
        public int IndexOf(int c, int then, int from)
        {
            for (var i = position + from; i + 1 < text.Length; i++)
            {
                if (text[i] == c && text[i + 1] == then)
                {
                    return i - position;
                }
            }

            return -1;
        }

        public string Text(int from, int to)
        {
            var builder = new System.Text.StringBuilder();
            for (var i = position + from; i < position + to; i++)
            {
                builder.Append(char.ConvertFromUtf32(text[i]));
            }

            return builder.ToString();
        }
    }
}
