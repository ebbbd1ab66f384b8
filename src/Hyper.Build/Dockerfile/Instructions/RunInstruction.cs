namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>RUN [--mount=…] [--network=…] [--security=…] &lt;command&gt;</c>.</summary>
public sealed record RunInstruction : Instruction
{
    public required CommandLine Command { get; init; }

    /// <summary>Here-documents named in the command, in order.</summary>
    public IReadOnlyList<Heredoc> Heredocs { get; init; } = [];

    /// <summary>Each <c>--mount</c> value as written.</summary>
    public IReadOnlyList<string> MountSpecifications { get; init; } = [];

    /// <summary>
    /// The mounts, read from <see cref="MountSpecifications"/> with variables expanded. Empty until the stage
    /// is planned: like BuildKit, mounts are expanded and checked only in stages that are built.
    /// </summary>
    public IReadOnlyList<RunMount> Mounts { get; init; } = [];

    public RunNetwork Network { get; init; } = RunNetwork.Default;

    public RunSecurity Security { get; init; } = RunSecurity.Sandbox;

    public IReadOnlyList<RunDevice> Devices { get; init; } = [];
}
