using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>A second CMD, ENTRYPOINT or HEALTHCHECK in a stage: the earlier one, which is reported, has no effect.</summary>
public sealed class MultipleInstructionsDisallowed : ILintRule
{
    public string Name => "MultipleInstructionsDisallowed";

    public string Description => "Multiple instructions of the same type should not be used in the same stage";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/multiple-instructions-disallowed/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var stage in subject.PlannedStages)
        {
            var previous = new Dictionary<Type, Instruction>();
            foreach (var instruction in stage.Steps.Select(static s => s.Instruction))
            {
                if (instruction is not (CmdInstruction or EntrypointInstruction or HealthcheckInstruction))
                {
                    continue;
                }

                if (previous.TryGetValue(instruction.GetType(), out var earlier))
                {
                    yield return LintViolation.At(
                        this,
                        earlier.Node,
                        $"Multiple {instruction.Keyword} instructions should not be used in the same stage because only the last one will be used");
                }

                previous[instruction.GetType()] = instruction;
            }
        }
    }
}
