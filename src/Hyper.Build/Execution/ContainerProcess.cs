namespace Hyper.Build.Execution;

/// <summary>What to run in a build container and as whom.</summary>
public sealed record ContainerProcess
{
    /// <summary>The command and its arguments, already in exec form (shell form wrapped by the caller).</summary>
    public required IReadOnlyList<string> Args { get; init; }

    /// <summary><c>KEY=value</c> pairs, as in an image config's Env.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];

    /// <summary>Working directory inside the container; must be absolute.</summary>
    public string WorkingDirectory { get; init; } = "/";

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    public IReadOnlyList<uint> AdditionalGids { get; init; } = [];

    public string Hostname { get; init; } = "buildkitsandbox";

    public NetworkMode Network { get; init; } = NetworkMode.Default;

    /// <summary>Mounts after the standard ones (/proc, /dev …), in order.</summary>
    public IReadOnlyList<ContainerMount> Mounts { get; init; } = [];
}
