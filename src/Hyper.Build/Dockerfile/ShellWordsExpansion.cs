namespace Hyper.Build.Dockerfile;

/// <summary>A line after expansion, split into words on unquoted whitespace.</summary>
/// <param name="Words">The words in order; empty quoted strings do not make a word.</param>
/// <param name="Matched">Names that were looked up and found in the environment.</param>
/// <param name="Unmatched">Names that were looked up and not set.</param>
public sealed record ShellWordsExpansion(IReadOnlyList<string> Words, IReadOnlySet<string> Matched, IReadOnlySet<string> Unmatched);
