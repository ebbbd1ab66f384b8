namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>VOLUME &lt;path&gt;…</c>.</summary>
public sealed record VolumeInstruction : Instruction
{
    public required IReadOnlyList<string> Volumes { get; init; }
}
