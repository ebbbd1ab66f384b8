namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>CMD</c>: the default command of the image.</summary>
public sealed record CmdInstruction : Instruction
{
    public required CommandLine Command { get; init; }
}
