namespace Hyper.Build.Solver;

/// <summary>A secret or SSH agent socket the target's RUN steps mount.</summary>
/// <param name="Id">The secret ID, or the SSH ID (<c>default</c> when none is given).</param>
/// <param name="Required">True when the mount says <c>required</c>.</param>
/// <param name="Line">The first RUN that mounts it.</param>
public sealed record OutlineCredential(string Id, bool Required, int Line);
