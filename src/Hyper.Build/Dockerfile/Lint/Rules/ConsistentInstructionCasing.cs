using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>Instructions should all be upper case or all lower case, whichever most of the stages' instructions are.</summary>
public sealed class ConsistentInstructionCasing : ILintRule
{
    public string Name => "ConsistentInstructionCasing";

    public string Description => "All commands within the Dockerfile should use the same casing (either upper or lower)";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/consistent-instruction-casing/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Dockerfile is null)
        {
            return [];
        }

        // As in BuildKit, the ARGs before the first FROM are neither counted nor checked.
        var instructions = subject.Dockerfile.Stages.SelectMany(static s => s.Instructions.Prepend(s.From)).ToList();
        var lower = instructions.Count(static i => i.Keyword == i.Keyword.ToLowerInvariant());
        var upper = instructions.Count(static i => i.Keyword != i.Keyword.ToLowerInvariant() && i.Keyword == i.Keyword.ToUpperInvariant());
        var majorityLower = lower > upper;
        return instructions.Where(i => Violates(i, majorityLower)).Select(i => LintViolation.At(
            this, i.Node, $"Command '{i.Keyword}' should match the case of the command majority ({(majorityLower ? "lowercase" : "uppercase")})"));
    }

    private static bool Violates(Instruction instruction, bool majorityLower) =>
        majorityLower
            ? instruction.Keyword != instruction.Keyword.ToLowerInvariant()
            : instruction.Keyword != instruction.Keyword.ToUpperInvariant();
}
