namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>ENV key=value …</c>.</summary>
public sealed record EnvInstruction : Instruction
{
    public required IReadOnlyList<KeyValue> Variables { get; init; }
}
