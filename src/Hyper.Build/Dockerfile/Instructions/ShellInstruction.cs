namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>SHELL ["executable", "parameters"]</c>: the shell for later shell-form commands.</summary>
public sealed record ShellInstruction : Instruction
{
    public required IReadOnlyList<string> Shell { get; init; }
}
