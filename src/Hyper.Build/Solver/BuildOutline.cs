namespace Hyper.Build.Solver;

/// <summary>What a target needs from the person building it: build arguments, secrets, SSH sockets.</summary>
public sealed record BuildOutline
{
    /// <summary>The target stage's name, or null for an unnamed last stage.</summary>
    public string? Name { get; init; }

    public string? Description { get; init; }

    /// <summary>The arguments, in the order they are declared.</summary>
    public IReadOnlyList<OutlineArgument> Arguments { get; init; } = [];

    public IReadOnlyList<OutlineCredential> Secrets { get; init; } = [];

    public IReadOnlyList<OutlineCredential> Ssh { get; init; } = [];
}
