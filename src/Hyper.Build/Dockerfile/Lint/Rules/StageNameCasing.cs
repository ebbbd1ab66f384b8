namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>Stage names are matched in lower case, so one written otherwise misleads.</summary>
public sealed class StageNameCasing : ILintRule
{
    public string Name => "StageNameCasing";

    public string Description => "Stage names should be lowercase";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/stage-name-casing/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var stage in subject.Dockerfile?.Stages ?? [])
        {
            var written = stage.From.StageNameAsWritten;
            if (written is not null && written != written.ToLowerInvariant())
            {
                yield return LintViolation.At(this, stage.From.Node, $"Stage name '{written}' should be lowercase");
            }
        }
    }
}
