namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>WORKDIR &lt;path&gt;</c>.</summary>
public sealed record WorkdirInstruction : Instruction
{
    public required string Path { get; init; }
}
