using System.Text;

namespace Hyper.Build.Dockerfile;

/// <summary>
/// Collects words while a line is expanded: unquoted whitespace (including whitespace coming from
/// a variable's value) ends a word; quoted and escaped text never does.
/// </summary>
internal sealed class ShellWordSplitter(StringBuilder buffer)
{
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
        foreach (var rune in value.EnumerateRunes())
        {
            Add(rune.Value);
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
