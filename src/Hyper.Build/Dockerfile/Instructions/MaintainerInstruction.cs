namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>MAINTAINER &lt;name&gt;</c> (deprecated in favour of a label).</summary>
public sealed record MaintainerInstruction : Instruction
{
    public required string Maintainer { get; init; }
}
