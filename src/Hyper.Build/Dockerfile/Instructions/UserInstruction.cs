namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>USER &lt;user&gt;[:&lt;group&gt;]</c>.</summary>
public sealed record UserInstruction : Instruction
{
    public required string User { get; init; }
}
