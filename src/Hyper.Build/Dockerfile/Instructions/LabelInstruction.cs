namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>LABEL key=value …</c>.</summary>
public sealed record LabelInstruction : Instruction
{
    public required IReadOnlyList<KeyValue> Labels { get; init; }
}
