using System.Globalization;
using System.Text;

namespace Hyper.Build.Tests.Dockerfile;

/// <summary>Quotes strings the way Go's strconv.Quote does, so our tree renders like BuildKit's dump.</summary>
internal static class GoQuote
{
    public static string Quote(string text)
    {
        var quoted = new StringBuilder(text.Length + 2).Append('"');
        foreach (var rune in text.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '"': quoted.Append("\\\""); continue;
                case '\\': quoted.Append("\\\\"); continue;
                case '\a': quoted.Append("\\a"); continue;
                case '\b': quoted.Append("\\b"); continue;
                case '\f': quoted.Append("\\f"); continue;
                case '\n': quoted.Append("\\n"); continue;
                case '\r': quoted.Append("\\r"); continue;
                case '\t': quoted.Append("\\t"); continue;
                case '\v': quoted.Append("\\v"); continue;
            }

            if (IsPrint(rune))
            {
                quoted.Append(rune.ToString());
            }
            else if (rune.Value < 0x20 || rune.Value == 0x7F)
            {
                quoted.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}");
            }
            else if (rune.Value < 0x10000)
            {
                quoted.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
            }
            else
            {
                quoted.Append(CultureInfo.InvariantCulture, $"\\U{rune.Value:x8}");
            }
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    private static bool IsPrint(Rune rune)
    {
        if (rune.Value == ' ')
        {
            return true;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                or UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => false,
            _ => true,
        };
    }
}
