namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>A stage called <c>scratch</c> or <c>context</c>, names that already mean something.</summary>
public sealed class ReservedStageName : ILintRule
{
    private static readonly string[] Reserved = ["context", "scratch"];

    public string Name => "ReservedStageName";

    public string Description => "Reserved words should not be used as stage names";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/reserved-stage-name/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return (subject.Dockerfile?.Stages ?? [])
            .Where(static s => s.Name is not null && Reserved.Contains(s.Name))
            .Select(s => LintViolation.At(this, s.From.Node, $"Stage name should not use the same name as reserved stage \"{s.Name}\""));
    }
}
