namespace Hyper.Build.Dockerfile;

/// <summary>
/// Shortens Dockerfile text quoted in a message: a line may be up to 64 KiB (a whole heredoc or
/// a generated LABEL), and printing all of it floods the terminal without saying more.
/// </summary>
public static class SourceExcerpt
{
    /// <summary>How many characters of a line are quoted before the rest is replaced by "…".</summary>
    public const int MaxLength = 200;

    public static string Shorten(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= MaxLength)
        {
            return text;
        }

        // Never cut a surrogate pair in half.
        var length = char.IsHighSurrogate(text[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
        return string.Concat(text.AsSpan(0, length), "…");
    }
}
