namespace Hyper.Build.Dockerfile;

/// <summary>One word after expansion.</summary>
/// <param name="Result">The word with quotes removed and variables substituted.</param>
/// <param name="Matched">Names that were looked up and found in the environment.</param>
/// <param name="Unmatched">Names that were looked up and not set (what the UndefinedVar check reports).</param>
public sealed record ShellExpansion(string Result, IReadOnlySet<string> Matched, IReadOnlySet<string> Unmatched);
