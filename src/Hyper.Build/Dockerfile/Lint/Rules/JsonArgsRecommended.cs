using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Solver;

namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>
/// CMD or ENTRYPOINT in shell form runs under <c>/bin/sh -c</c>, which does not pass signals on. Not
/// reported once a SHELL instruction chose the shell on purpose.
/// </summary>
public sealed class JsonArgsRecommended : ILintRule
{
    public string Name => "JSONArgsRecommended";

    public string Description => "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/json-args-recommended/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var stage in subject.PlannedStages)
        {
            var shellSet = InheritsShell(stage);
            foreach (var step in stage.Steps)
            {
                switch (step.Instruction)
                {
                    case ShellInstruction:
                        shellSet = true;
                        break;
                    case CmdInstruction { Command.PrependShell: true } or EntrypointInstruction { Command.PrependShell: true } when !shellSet:
                        var keyword = step.Instruction.Keyword;
                        yield return LintViolation.At(
                            this, step.Instruction.Node, $"JSON arguments recommended for {keyword} to prevent unintended behavior related to OS signals");
                        break;
                }
            }
        }
    }

    private static bool InheritsShell(PlannedStage stage)
    {
        for (var parent = stage.BaseStage; parent is not null; parent = parent.BaseStage)
        {
            if (parent.Steps.Any(static s => s.Instruction is ShellInstruction))
            {
                return true;
            }
        }

        return false;
    }
}
