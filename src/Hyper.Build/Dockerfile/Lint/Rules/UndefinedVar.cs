namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>A variable used before any ENV or ARG defined it: it expands to nothing.</summary>
public sealed class UndefinedVar : ILintRule
{
    public string Name => "UndefinedVar";

    public string Description => "Variables should be defined before their use";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/undefined-var/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var step in subject.PlannedStages.SelectMany(static s => s.Steps))
        {
            foreach (var variable in step.UndefinedVariables)
            {
                var message = $"Usage of undefined variable '${variable.Name}'";
                yield return LintViolation.At(
                    this, step.Instruction.Node, variable.Suggestion is null ? message : $"{message} (did you mean ${variable.Suggestion}?)");
            }
        }
    }
}
