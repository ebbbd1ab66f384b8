using System.Buffers;
using System.Collections.Frozen;

namespace Hyper.Build.Dockerfile;

/// <summary>
/// Removes quotes and expands variables in Dockerfile words exactly as BuildKit's shell lexer
/// does, quirks included, so an instruction means the same here as under <c>docker build</c>.
/// Instances hold only options and can be shared between threads.
/// </summary>
public sealed class ShellLexer
{
    private static readonly IReadOnlySet<string> NoVariables = FrozenSet<string>.Empty;
    private static readonly SearchValues<char> BackslashSpecials = SearchValues.Create("$'\"<\\\uFEFF");
    private static readonly SearchValues<char> BacktickSpecials = SearchValues.Create("$'\"<`\uFEFF");

    public ShellLexer(char escapeToken = '\\')
    {
        if (escapeToken is not ('\\' or '`'))
        {
            throw new ArgumentOutOfRangeException(nameof(escapeToken), escapeToken, "the escape token of a Dockerfile is a backslash or a backtick");
        }

        EscapeToken = escapeToken;
    }

    /// <summary>The character that escapes the next one: <c>\</c>, or <c>`</c> after <c># escape=`</c>.</summary>
    public char EscapeToken { get; }

    /// <summary>Keep quote characters in the result (BuildKit's RawQuotes; used to tell whether a heredoc delimiter was quoted).</summary>
    public bool PreserveQuotes { get; init; }

    /// <summary>Keep escape characters in the result (BuildKit's RawEscapes).</summary>
    public bool PreserveEscapes { get; init; }

    /// <summary>Leave references to unset variables as written instead of expanding them to nothing (BuildKit's SkipUnsetEnv).</summary>
    public bool PreserveUnsetVariables { get; init; }

    /// <summary>Treat quotes as ordinary characters (BuildKit's SkipProcessQuotes, used for raw single-word expansion).</summary>
    public bool QuotesAreLiteral { get; init; }

    /// <summary>Expands one word: quotes removed, variables substituted, whitespace kept.</summary>
    /// <exception cref="ShellExpansionException">The word is malformed or a <c>${VAR?}</c> check failed.</exception>
    public ShellExpansion ExpandWord(string word, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(word);
        ArgumentNullException.ThrowIfNull(environment);
        if (IsLiteral(word))
        {
            return new ShellExpansion(word, NoVariables, NoVariables);
        }

        var expander = new ShellExpander(this, word, environment);
        var result = expander.Expand();
        return new ShellExpansion(result.Text, expander.Matched, expander.Unmatched);
    }

    // Most words (LABEL keys and values, paths) have nothing to expand; skipping the expander for them keeps
    // a Dockerfile of 40,000 LABELs from allocating a code-point array, buffers and sets for every word.
    // Anything the expander could change (a variable, quote, escape, heredoc, byte order mark or surrogate,
    // which may be lone and become U+FFFD) takes the full path.
    private bool IsLiteral(string word) =>
        word.AsSpan().IndexOfAny(EscapeToken == '\\' ? BackslashSpecials : BacktickSpecials) < 0
        && word.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0;

    /// <summary>Expands a line and splits it into words on whitespace that is neither quoted nor escaped (BuildKit's ProcessWords).</summary>
    /// <exception cref="ShellExpansionException">The line is malformed or a <c>${VAR?}</c> check failed.</exception>
    public ShellWordsExpansion ExpandWords(string words, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(environment);
        var expander = new ShellExpander(this, words, environment);
        var result = expander.Expand();
        return new ShellWordsExpansion(result.Words, expander.Matched, expander.Unmatched);
    }
}
