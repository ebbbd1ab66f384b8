namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>
/// <c>FROM --platform=linux/amd64</c> pins a stage regardless of <c>--platform</c>; allowed when the stage
/// name mentions the OS or architecture, which shows it is meant.
/// </summary>
public sealed class FromPlatformFlagConstDisallowed : ILintRule
{
    public string Name => "FromPlatformFlagConstDisallowed";

    public string Description => "FROM --platform flag should not use a constant value";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/from-platform-flag-const-disallowed/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Plan is null)
        {
            yield break;
        }

        foreach (var stage in subject.Plan.Stages)
        {
            var from = stage.Definition.From;
            if (from.Platform is null || from.Platform.Contains('$', StringComparison.Ordinal))
            {
                continue;
            }

            var platform = stage.Platform;
            var name = stage.Name ?? string.Empty;
            if (!name.Contains(platform.OS, StringComparison.Ordinal) && !name.Contains(platform.Architecture, StringComparison.Ordinal))
            {
                yield return LintViolation.At(this, from.Node, $"FROM --platform flag should not use constant value \"{from.Platform}\"");
            }
        }
    }
}
