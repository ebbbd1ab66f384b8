using Hyper.Build.Context;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Solver;

namespace Hyper.Build.Dockerfile.Lint;

/// <summary>What the checks look at: the parse tree, and the typed instructions and plan when they could be made.</summary>
public sealed record LintSubject
{
    public required DockerfileDocument Document { get; init; }

    /// <summary>Null when an instruction could not be read.</summary>
    public ParsedDockerfile? Dockerfile { get; init; }

    /// <summary>
    /// The automatic platform ARGs FROM sees (<see cref="BuildPlanner.PlatformArguments"/>), also when planning
    /// failed; empty when the instructions could not be read.
    /// </summary>
    public IReadOnlyDictionary<string, string> PlatformArguments { get; init; } = new Dictionary<string, string>();

    /// <summary>Null when the Dockerfile could not be planned.</summary>
    public BuildPlan? Plan { get; init; }

    /// <summary>The build context's .dockerignore, when it has one (for CopyIgnoredFile).</summary>
    public DockerIgnore? Ignore { get; init; }

    /// <summary>The stages whose steps were expanded (the target's, or all of them for a check without a target).</summary>
    public IEnumerable<PlannedStage> PlannedStages => Plan?.Stages.Where(static s => s.IsPlanned) ?? [];
}
