using Hyper.Build.Dockerfile.Instructions;
using Hyper.Oci;

namespace Hyper.Build.Solver;

/// <summary>A stage in a build plan: its resolved base and platform, its expanded steps, and the stages it needs.</summary>
public sealed class PlannedStage
{
    internal PlannedStage(StageDefinition definition)
    {
        Definition = definition;
    }

    public StageDefinition Definition { get; }

    public int Index => Definition.Index;

    /// <summary>The lower-case stage name, or null for an unnamed stage.</summary>
    public string? Name => Definition.Name;

    /// <summary>The name, or <c>stage-N</c>.</summary>
    public string DisplayName => Definition.DisplayName;

    public string? Description => Definition.Description;

    /// <summary>1-based line of the stage's FROM.</summary>
    public int Line => Definition.From.Line;

    /// <summary>The FROM base after expanding global ARGs: an image, scratch, or an earlier stage.</summary>
    public ContentSource Base { get; internal set; } = ContentSource.Scratch;

    /// <summary>The stage this one is built on, when its FROM names an earlier stage.</summary>
    public PlannedStage? BaseStage { get; internal set; }

    /// <summary>The platform the stage builds for: its <c>--platform</c>, its base stage's, or the target platform.</summary>
    public Platform Platform { get; internal set; } = Platform.Current;

    /// <summary>True when FROM had <c>--platform</c>.</summary>
    public bool HasExplicitPlatform { get; internal set; }

    /// <summary>Global ARGs FROM used that are not declared (the UndefinedArgInFrom check).</summary>
    public IReadOnlyList<UndefinedVariable> UndefinedFromArguments { get; internal set; } = [];

    /// <summary>The stages this one needs before it can run: its base stage and the stages it copies or mounts from.</summary>
    public IReadOnlyList<PlannedStage> Dependencies { get; internal set; } = [];

    /// <summary>True when the target needs this stage (directly or through other stages).</summary>
    public bool IsRequired { get; internal set; }

    /// <summary>True when the steps were expanded and checked: required stages, or every stage when all were asked for.</summary>
    public bool IsPlanned { get; internal set; }

    /// <summary>The expanded steps; empty when <see cref="IsPlanned"/> is false.</summary>
    public IReadOnlyList<PlannedStep> Steps { get; internal set; } = [];

    public override string ToString() => DisplayName;
}
