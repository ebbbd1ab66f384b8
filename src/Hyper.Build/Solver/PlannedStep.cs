using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Solver;

/// <summary>One instruction of a planned stage, with variables expanded and sources resolved.</summary>
public sealed record PlannedStep
{
    /// <summary>The instruction with every value BuildKit expands already expanded (RUN, CMD and ENTRYPOINT bodies are left to the shell).</summary>
    public required Instruction Instruction { get; init; }

    /// <summary>The same instruction as written, before expansion.</summary>
    public required Instruction Original { get; init; }

    /// <summary>
    /// Where the step reads files from other than its own stage: for <c>COPY --from</c> the one source; for
    /// RUN one per mount, in the order of <see cref="RunInstruction.Mounts"/>. Empty otherwise.
    /// </summary>
    public IReadOnlyList<ContentSource> Sources { get; init; } = [];

    /// <summary>The variables in effect for this step: ENV values and ARG values (ARGs are not kept in the image).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Variables the step used that no ENV or ARG defined (the UndefinedVar check).</summary>
    public IReadOnlyList<UndefinedVariable> UndefinedVariables { get; init; } = [];
}
