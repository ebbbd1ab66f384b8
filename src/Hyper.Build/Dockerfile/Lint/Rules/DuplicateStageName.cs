namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>Two stages of one name: references reach only the last.</summary>
public sealed class DuplicateStageName : ILintRule
{
    public string Name => "DuplicateStageName";

    public string Description => "Stage names should be unique";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/duplicate-stage-name/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stage in subject.Dockerfile?.Stages ?? [])
        {
            if (stage.Name is { } name && !seen.Add(name))
            {
                yield return LintViolation.At(this, stage.From.Node, $"Duplicate stage name \"{name}\", stage names should be unique");
            }
        }
    }
}
