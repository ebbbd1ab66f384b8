using Hyper.Build.Dockerfile.Instructions;
using Hyper.Oci;

namespace Hyper.Build.Solver;

/// <summary>
/// A Dockerfile resolved for one build: every stage with its base and dependencies, the steps of the
/// stages the target needs with variables expanded, and those stages grouped so that the stages of one
/// group depend only on earlier groups and can run in parallel.
/// </summary>
public sealed record BuildPlan
{
    public required ParsedDockerfile Dockerfile { get; init; }

    /// <summary>Every stage in file order, needed or not.</summary>
    public required IReadOnlyList<PlannedStage> Stages { get; init; }

    public required PlannedStage Target { get; init; }

    /// <summary>The stages the target needs in dependency order: each group depends only on groups before it.</summary>
    public required IReadOnlyList<IReadOnlyList<PlannedStage>> Groups { get; init; }

    /// <summary>The global scope: the automatic platform ARGs and the ARGs before the first FROM, with their values.</summary>
    public required IReadOnlyDictionary<string, string> GlobalArguments { get; init; }

    /// <summary>Proxy settings from <c>--build-arg</c> (HTTP_PROXY and friends), given to RUN steps without an ARG.</summary>
    public required IReadOnlyDictionary<string, string> ProxyArguments { get; init; }

    public required Platform BuildPlatform { get; init; }

    public required Platform TargetPlatform { get; init; }

    public required BuildOutline Outline { get; init; }

    /// <summary>The needed stages in an order that can be run one by one.</summary>
    public IEnumerable<PlannedStage> RequiredStages => Groups.SelectMany(static g => g);

    /// <summary>Finds a stage by name, case-insensitively, or null.</summary>
    public PlannedStage? FindStage(string name) =>
        Stages.LastOrDefault(s => s.Name is not null && s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
