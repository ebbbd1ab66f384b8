using System.Buffers;
using System.Text;

namespace Hyper.Build.Dockerfile;

/// <summary>
/// Collects words while a line is expanded: unquoted whitespace (including whitespace coming from
/// a variable's value) ends a word; quoted and escaped text never does.
/// </summary>
internal sealed class ShellWordSplitter(StringBuilder buffer)
{
    // Unicode's White_Space characters; none lies outside the Basic Multilingual Plane.
    private static readonly SearchValues<char> Whitespace = SearchValues.Create(
        "\t\n\v\f\r \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000");

    private readonly List<string> words = [];

    // Set by quoted text even when it is empty, so that whitespace after "" is not a new word
    // boundary on its own; a word is only emitted when it has characters.
    private bool inWord;

    /// <summary>Adds a character that splits words if it is whitespace.</summary>
    public void Add(int codePoint)
    {
        if (!IsSpace(codePoint))
        {
            AddLiteral(codePoint);
            return;
        }

        if (inWord && buffer.Length != 0)
        {
            words.Add(buffer.ToString());
            buffer.Clear();
            inWord = false;
        }
    }

    /// <summary>Adds expanded text whose whitespace splits words.</summary>
    public void Add(string value)
    {
        // Runs without whitespace join the word whole: a value can be long (ENV chains grow one), and one call
        // per character made expanding it slow. Runs with surrogates go rune by rune, which replaces a lone one.
        var rest = value.AsSpan();
        while (rest.Length > 0)
        {
            var space = rest.IndexOfAny(Whitespace);
            var run = space < 0 ? rest : rest[..space];
            if (run.ContainsAnyInRange('\uD800', '\uDFFF'))
            {
                foreach (var rune in run.EnumerateRunes())
                {
                    AddLiteral(rune.Value);
                }
            }
            else if (run.Length > 0)
            {
                buffer.Append(run);
                inWord = true;
            }

            if (space < 0)
            {
                return;
            }

            Add(rest[space]);
            rest = rest[(space + 1)..];
        }
    }

    /// <summary>Adds a character that belongs to the current word whatever it is.</summary>
    public void AddLiteral(int codePoint)
    {
        ShellExpander.AppendCodePoint(buffer, codePoint);
        inWord = true;
    }

    /// <summary>Adds quoted text: it joins the current word whole.</summary>
    public void AddLiteral(string value)
    {
        buffer.Append(value);
        inWord = true;
    }

    public List<string> Finish()
    {
        if (buffer.Length > 0)
        {
            words.Add(buffer.ToString());
            buffer.Clear();
            inWord = false;
        }

        return words;
    }

    // Go's unicode.IsSpace and .NET's Rune.IsWhiteSpace both follow Unicode's White_Space property.
    private static bool IsSpace(int codePoint) => Rune.IsWhiteSpace(new Rune(codePoint));
}
