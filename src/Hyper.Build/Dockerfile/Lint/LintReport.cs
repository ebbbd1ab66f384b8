namespace Hyper.Build.Dockerfile.Lint;

/// <summary>The violations of one check run, sorted by line, and whether they fail the build.</summary>
public sealed record LintReport(IReadOnlyList<LintViolation> Violations, LintConfiguration Configuration)
{
    /// <summary>True when <c># check=error=true</c> and something was found.</summary>
    public bool IsError => Configuration.ErrorOnViolation && Violations.Count > 0;

    /// <summary>BuildKit's message when violations are errors: <c>lint violation found for rules: A, B</c>.</summary>
    public string? ErrorMessage => IsError
        ? $"lint violation found for rules: {string.Join(", ", Violations.Select(static v => v.Rule.Name).Distinct(StringComparer.Ordinal))}"
        : null;
}
