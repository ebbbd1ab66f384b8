using Hyper.Build.Execution;

namespace Hyper.Build.Engine;

/// <summary>What <c>hyperbuild run</c> changes from the image's config, as <c>docker run</c>'s flags do.</summary>
public sealed record RunOptions
{
    /// <summary>Replaces the image's CMD when not empty.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Replaces the image's ENTRYPOINT when not null (an empty string clears it).</summary>
    public string? Entrypoint { get; init; }

    /// <summary>Extra or overriding variables, NAME=VALUE.</summary>
    public IReadOnlyList<string> Environment { get; init; } = [];

    public string? User { get; init; }

    public string? WorkingDirectory { get; init; }

    public NetworkMode Network { get; init; } = NetworkMode.Default;
}
