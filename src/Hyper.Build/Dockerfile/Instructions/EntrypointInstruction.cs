namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>ENTRYPOINT</c>.</summary>
public sealed record EntrypointInstruction : Instruction
{
    /// <summary>The command; an empty exec form (<c>ENTRYPOINT []</c>) clears the entrypoint.</summary>
    public required CommandLine Command { get; init; }
}
