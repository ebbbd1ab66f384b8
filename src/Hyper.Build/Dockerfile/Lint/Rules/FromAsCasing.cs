namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary><c>FROM … as</c> or <c>from … AS</c>; a FROM of mixed case is left to ConsistentInstructionCasing.</summary>
public sealed class FromAsCasing : ILintRule
{
    public string Name => "FromAsCasing";

    public string Description => "The 'as' keyword should match the case of the 'from' keyword";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/from-as-casing/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var stage in subject.Dockerfile?.Stages ?? [])
        {
            var from = stage.From.Keyword;
            if (stage.From.AsKeyword is not { } @as)
            {
                continue;
            }

            var mismatch = from == from.ToLowerInvariant()
                ? @as != @as.ToLowerInvariant()
                : from == from.ToUpperInvariant() && @as != @as.ToUpperInvariant();
            if (mismatch)
            {
                yield return LintViolation.At(this, stage.From.Node, $"'{@as}' and '{from}' keywords' casing do not match");
            }
        }
    }
}
