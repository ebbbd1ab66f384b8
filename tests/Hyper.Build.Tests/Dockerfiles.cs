using Hyper.Build.Dockerfile;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Solver;
using Hyper.Oci;

namespace Hyper.Build.Tests;

/// <summary>Dockerfile text to parse trees, instructions and plans, for tests that read as Dockerfiles.</summary>
internal static class Dockerfiles
{
    /// <summary>A fixed platform so tests do not depend on the machine running them.</summary>
    public static readonly Platform Amd64 = Platform.Parse("linux/amd64");

    public static ParsedDockerfile Read(string text) => InstructionParser.Parse(DockerfileParser.Parse(text));

    public static BuildPlan Plan(string text, BuildOptions? options = null) =>
        BuildPlanner.Plan(Read(text), options ?? new BuildOptions { BuildPlatform = Amd64 });

    public static BuildPlan Plan(string text, string target) =>
        Plan(text, new BuildOptions { BuildPlatform = Amd64, Target = target });

    public static BuildPlan PlanWithArgs(string text, params (string Name, string Value)[] buildArgs) =>
        Plan(text, new BuildOptions { BuildPlatform = Amd64, BuildArgs = buildArgs.ToDictionary(a => a.Name, a => a.Value) });

    /// <summary>One instruction, read through the real parser.</summary>
    public static Instruction Instruction(string line) =>
        InstructionParser.ParseInstruction(DockerfileParser.Parse(line).Instructions[0]);

    /// <summary>The expanded steps of the target stage.</summary>
    public static IReadOnlyList<Instruction> Steps(this BuildPlan plan) => [.. plan.Target.Steps.Select(static s => s.Instruction)];

    public static T Step<T>(this BuildPlan plan)
        where T : Instruction => plan.Steps().OfType<T>().Single();

    /// <summary>A node built by hand, as the parser would build it, for tests that pin a node shape.</summary>
    public static DockerfileNode Node(string instruction, string[] arguments, string[]? flags = null, bool isJson = false, int line = 1) => new()
    {
        Instruction = instruction,
        Arguments = arguments,
        Flags = flags ?? [],
        IsJson = isJson,
        Original = $"{instruction.ToUpperInvariant()} {string.Join(' ', flags ?? [])} {string.Join(' ', arguments)}".Replace("  ", " ", StringComparison.Ordinal),
        StartLine = line,
        EndLine = line,
    };
}
