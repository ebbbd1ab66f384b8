namespace Hyper.Build.Dockerfile;

/// <summary>
/// A word that cannot be expanded: an unterminated quote or <c>${</c>, an unsupported operator,
/// an invalid pattern, or a <c>${VAR:?message}</c> whose variable is unset or empty.
/// </summary>
public sealed class ShellExpansionException : Exception
{
    public ShellExpansionException(string word, string reason)
        : base($"cannot expand {word}: {reason}")
    {
        Word = word;
        Reason = reason;
    }

    /// <summary>The word as written, before expansion.</summary>
    public string Word { get; }

    /// <summary>What is wrong, without the word.</summary>
    public string Reason { get; }
}
