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

        // As in BuildKit, the ARGs before the first FROM are neither counted nor checked. Each keyword is read
        // once: Instruction.Keyword makes a new string per call, and a Dockerfile may have tens of thousands.
        var instructions = subject.Dockerfile.Stages
            .SelectMany(static s => s.Instructions.Prepend(s.From))
            .Select(static i => (Instruction: i, i.Keyword))
            .ToList();
        var lower = instructions.Count(static i => IsLower(i.Keyword));
        var upper = instructions.Count(static i => !IsLower(i.Keyword) && IsUpper(i.Keyword));
        var majorityLower = lower > upper;
        return instructions.Where(i => majorityLower ? !IsLower(i.Keyword) : !IsUpper(i.Keyword)).Select(i => LintViolation.At(
            this, i.Instruction.Node, $"Command '{i.Keyword}' should match the case of the command majority ({(majorityLower ? "lowercase" : "uppercase")})"));
    }

    private static bool IsLower(string keyword) => keyword == keyword.ToLowerInvariant();

    private static bool IsUpper(string keyword) => keyword == keyword.ToUpperInvariant();
}
