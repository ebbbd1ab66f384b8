namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>FROM uses a variable no ARG before the first FROM declares.</summary>
public sealed class UndefinedArgInFrom : ILintRule
{
    public string Name => "UndefinedArgInFrom";

    public string Description => "FROM command must use declared ARGs";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/undefined-arg-in-from/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var stage in subject.Plan?.Stages ?? [])
        {
            foreach (var variable in stage.UndefinedFromArguments)
            {
                var message = $"FROM argument '{variable.Name}' is not declared";
                yield return LintViolation.At(
                    this, stage.Definition.From.Node, variable.Suggestion is null ? message : $"{message} (did you mean {variable.Suggestion}?)");
            }
        }
    }
}
