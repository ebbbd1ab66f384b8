namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>ONBUILD &lt;instruction&gt;</c>: a trigger stored in the image for builds based on it.</summary>
public sealed record OnbuildInstruction : Instruction
{
    /// <summary>The trigger instruction's text, as stored in the image configuration.</summary>
    public required string Expression { get; init; }
}
