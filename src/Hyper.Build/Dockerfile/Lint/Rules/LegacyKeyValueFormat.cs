using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary><c>ENV key value</c> (without <c>=</c>) cannot hold more than one pair and reads ambiguously.</summary>
public sealed class LegacyKeyValueFormat : ILintRule
{
    public string Name => "LegacyKeyValueFormat";

    public string Description => "Legacy key/value format with whitespace separator should not be used";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/legacy-key-value-format/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var instruction in subject.PlannedStages.SelectMany(static s => s.Steps).Select(static s => s.Instruction))
        {
            var pairs = instruction switch
            {
                EnvInstruction env => env.Variables,
                LabelInstruction label => label.Labels,
                _ => [],
            };
            foreach (var _ in pairs.Where(static p => p.IsLegacyForm))
            {
                var keyword = instruction.Keyword;
                yield return LintViolation.At(this, instruction.Node, $"\"{keyword} key=value\" should be used instead of legacy \"{keyword} key value\" format");
            }
        }
    }
}
