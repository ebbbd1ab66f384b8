using Hyper.Build.Dockerfile.Instructions;
using Hyper.Oci;

namespace Hyper.Build.Solver;

public sealed partial class BuildPlanner
{
    /// <summary>A build argument as the outline reports it, with the global arguments its default used.</summary>
    private sealed record ArgumentInfo(string Name, string Value, string? Description, int Line, IReadOnlySet<string> Dependencies);

    /// <summary>Everything the planner tracks for one stage while it walks the file.</summary>
    private sealed class StageState(StageDefinition definition)
    {
        public PlannedStage Planned { get; } = new(definition);

        public StageDefinition Definition => Planned.Definition;

        public StageState? BaseState { get; set; }

        /// <summary>The instructions to run: the base stage's ONBUILD triggers first, then the stage's own.</summary>
        public IReadOnlyList<Instruction> Instructions { get; set; } = definition.Instructions;

        /// <summary>Stages this one copies or mounts from, with the instruction that does it.</summary>
        public List<(StageState Stage, Instruction Instruction)> Dependencies { get; } = [];

        /// <summary>Per instruction index: the resolved <c>--from</c> of COPY, or one entry per RUN mount (null when the mount has no from).</summary>
        public Dictionary<int, List<ContentSource?>> InstructionSources { get; } = [];

        /// <summary>ENV and ARG values in effect, as the next instruction sees them.</summary>
        public VariableMap Environment { get; set; } = VariableMap.Empty;

        /// <summary>Every ARG name declared so far in this stage or its base stages, with or without a value.</summary>
        public HashSet<string> DeclaredArguments { get; set; } = new(StringComparer.Ordinal);

        public Dictionary<string, ArgumentInfo> OutlineArguments { get; set; } = new(StringComparer.Ordinal);

        public HashSet<string> UsedArguments { get; set; } = new(StringComparer.Ordinal);

        public Dictionary<string, OutlineCredential> Secrets { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, OutlineCredential> Ssh { get; } = new(StringComparer.Ordinal);

        public List<PlannedStep> Steps { get; } = [];

        public bool Dispatched { get; set; }

        /// <summary>The working directory as far as this Dockerfile sets it; <c>/</c> until a WORKDIR does.</summary>
        public string WorkingDirectory { get; set; } = "/";

        public Platform Platform { get; set; } = Platform.Current;

        public void Publish()
        {
            Planned.BaseStage = BaseState?.Planned;
            Planned.Platform = Platform;
            Planned.IsPlanned = Dispatched;
            Planned.Steps = [.. Steps];
            var dependencies = new List<PlannedStage>();
            if (BaseState is not null)
            {
                dependencies.Add(BaseState.Planned);
            }

            dependencies.AddRange(Dependencies.Select(static d => d.Stage.Planned));
            Planned.Dependencies = [.. dependencies.Distinct().OrderBy(static s => s.Index)];
        }
    }
}
