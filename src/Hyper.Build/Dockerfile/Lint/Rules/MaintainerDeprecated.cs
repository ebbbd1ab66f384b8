using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>MAINTAINER is deprecated; a label says the same.</summary>
public sealed class MaintainerDeprecated : ILintRule
{
    public string Name => "MaintainerDeprecated";

    public string Description => "The MAINTAINER instruction is deprecated, use a label instead to define an image author";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        return (subject.Dockerfile?.Stages ?? [])
            .SelectMany(static s => s.Instructions.OfType<MaintainerInstruction>())
            .Select(m => LintViolation.At(this, m.Node, "Maintainer instruction is deprecated in favor of using label"));
    }
}
