namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>STOPSIGNAL &lt;signal&gt;</c>.</summary>
public sealed record StopSignalInstruction : Instruction
{
    public required string Signal { get; init; }
}
