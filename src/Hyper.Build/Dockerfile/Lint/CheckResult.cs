namespace Hyper.Build.Dockerfile.Lint;

/// <summary>The outcome of <see cref="DockerfileCheck.Run"/>: the violations found, and the error that stopped the check, if any.</summary>
public sealed record CheckResult
{
    /// <summary>Null when the text could not be parsed at all.</summary>
    public DockerfileDocument? Document { get; init; }

    public IReadOnlyList<LintViolation> Violations { get; init; } = [];

    /// <summary>The parse or validation error, as a build would report it.</summary>
    public DockerfileException? Error { get; init; }

    public LintConfiguration Configuration { get; init; } = new();

    /// <summary>True when the Dockerfile has an error, or has violations and <c># check=error=true</c>.</summary>
    public bool Failed => Error is not null || (Configuration.ErrorOnViolation && Violations.Count > 0);

    /// <summary>Why the check failed, or null.</summary>
    public string? FailureMessage => Error?.Message ?? new LintReport(Violations, Configuration).ErrorMessage;
}
