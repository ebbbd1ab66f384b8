namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>EXPOSE &lt;port&gt;[/&lt;protocol&gt;]…</c>; once planned, one <c>port/protocol</c> per port.</summary>
public sealed record ExposeInstruction : Instruction
{
    public required IReadOnlyList<string> Ports { get; init; }
}
