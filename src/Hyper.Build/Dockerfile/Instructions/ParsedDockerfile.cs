namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>Every instruction of a Dockerfile read and checked, grouped into global ARGs and stages.</summary>
public sealed record ParsedDockerfile
{
    public required DockerfileDocument Document { get; init; }

    public string FileName => Document.FileName;

    /// <summary>The ARG instructions before the first FROM: usable in FROM lines, and in stages that redeclare them.</summary>
    public required IReadOnlyList<ArgInstruction> GlobalArgs { get; init; }

    public required IReadOnlyList<StageDefinition> Stages { get; init; }
}
