using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Solver;

/// <summary>The stages a Dockerfile offers as <c>--target</c>, as <c>--call targets</c> lists them.</summary>
public static class TargetList
{
    /// <summary>Every stage in file order; the last one is the default.</summary>
    public static IReadOnlyList<StageTarget> From(ParsedDockerfile dockerfile)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        var stages = dockerfile.Stages;
        return
        [
            .. stages.Select(s => new StageTarget(
                s.Name,
                s.Description,
                IsDefault: s.Index == stages.Count - 1,
                Base: s.From.BaseName,
                Platform: s.From.Platform,
                Line: s.From.Line)),
        ];
    }
}
