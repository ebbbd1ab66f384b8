namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>A stage as written: its FROM and the instructions up to the next FROM.</summary>
public sealed record StageDefinition
{
    /// <summary>0-based position among the stages, as <c>COPY --from=0</c> counts.</summary>
    public required int Index { get; init; }

    public required FromInstruction From { get; init; }

    public required IReadOnlyList<Instruction> Instructions { get; init; }

    /// <summary>The lower-case name after <c>AS</c>, or null.</summary>
    public string? Name => From.StageName;

    /// <summary><see cref="Name"/>, or <c>stage-N</c> for an unnamed stage, as BuildKit shows it.</summary>
    public string DisplayName => Name ?? $"stage-{Index}";

    public string? Description => From.Description;
}
