namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary><c>FROM --platform=$TARGETPLATFORM</c> says what FROM does anyway.</summary>
public sealed class RedundantTargetPlatform : ILintRule
{
    public string Name => "RedundantTargetPlatform";

    public string Description => "Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/redundant-target-platform/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Plan is not { } plan)
        {
            yield break;
        }

        var lexer = new ShellLexer(subject.Document.EscapeCharacter);
        foreach (var from in plan.Stages.Select(static s => s.Definition.From))
        {
            if (from.Platform is null)
            {
                continue;
            }

            var expansion = lexer.ExpandWord(from.Platform, plan.GlobalArguments);
            if (expansion.Matched.Count == 1 && expansion.Unmatched.Count == 0 && expansion.Matched.Contains("TARGETPLATFORM")
                && plan.GlobalArguments.TryGetValue("TARGETPLATFORM", out var target) && expansion.Result == target)
            {
                yield return LintViolation.At(
                    this, from.Node, $"Setting platform to predefined {from.Platform} in FROM is redundant as this is the default behavior");
            }
        }
    }
}
