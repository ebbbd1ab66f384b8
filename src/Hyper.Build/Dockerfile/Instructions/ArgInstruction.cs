namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>ARG name[=default] …</c>: before the first FROM a global argument, inside a stage a stage argument.</summary>
public sealed record ArgInstruction : Instruction
{
    public required IReadOnlyList<ArgDefinition> Arguments { get; init; }
}
