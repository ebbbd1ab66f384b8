namespace Hyper.Build.Dockerfile.Parsing;

/// <summary>Finds the here-document operators on an instruction line, as BuildKit recognises them.</summary>
internal static class HeredocMarkers
{
    /// <summary>The markers in order; <see cref="FormatException"/> when a delimiter word cannot be read.</summary>
    public static List<HeredocMarker> FromLine(string line)
    {
        List<string> words;
        try
        {
            words = HeredocWordLexer.Words(line, rawQuotes: true, rawEscapes: true);
        }
        catch (FormatException)
        {
            // BuildKit ignores a line it cannot split here: such a line simply has no here-documents.
            return [];
        }

        var markers = new List<HeredocMarker>();
        foreach (var word in words)
        {
            if (Parse(word) is { } marker)
            {
                markers.Add(marker);
            }
        }

        return markers;
    }

    /// <summary>
    /// Reads one word of the form <c>[digits]&lt;&lt;[-][blanks]WORD</c> where WORD holds no <c>&lt;</c>;
    /// null when the word is not a here-document operator.
    /// </summary>
    public static HeredocMarker? Parse(string word)
    {
        var pos = 0;
        while (pos < word.Length && char.IsAsciiDigit(word[pos]))
        {
            pos++;
        }

        if (!word.AsSpan(pos).StartsWith("<<", StringComparison.Ordinal))
        {
            return null;
        }

        pos += 2;
        var chomp = pos < word.Length && word[pos] == '-';
        if (chomp)
        {
            pos++;
        }

        while (pos < word.Length && word[pos] is ' ' or '\t' or '\n' or '\f' or '\r')
        {
            pos++;
        }

        var delimiter = word[pos..];
        if (delimiter.Length == 0 || delimiter.Contains('<', StringComparison.Ordinal))
        {
            return null;
        }

        // The delimiter is read twice, with and without its quotes: if any part of it was quoted, the
        // counts of quote characters differ and the body is taken literally.
        var plain = HeredocWordLexer.Words(delimiter, rawQuotes: false, rawEscapes: false);
        if (plain.Count != 1)
        {
            return null;
        }

        var raw = HeredocWordLexer.Words(delimiter, rawQuotes: true, rawEscapes: false);
        if (raw.Count != plain.Count)
        {
            throw new FormatException($"internal lexing of heredoc produced inconsistent results: {delimiter}");
        }

        var expand = CountQuotes(plain[0]) == CountQuotes(raw[0]);
        return new HeredocMarker(plain[0], expand, chomp);
    }

    private static int CountQuotes(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (c is '\'' or '"')
            {
                count++;
            }
        }

        return count;
    }
}
