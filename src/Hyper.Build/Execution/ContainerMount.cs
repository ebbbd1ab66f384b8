namespace Hyper.Build.Execution;

/// <summary>A mount a container gets besides the standard ones, as the OCI runtime spec describes it.</summary>
/// <param name="Destination">Absolute path inside the container.</param>
/// <param name="Type">bind, tmpfs …</param>
/// <param name="Source">The host path for a bind mount; the filesystem name otherwise.</param>
/// <param name="Options">Mount options, e.g. <c>rbind</c>, <c>ro</c>.</param>
public sealed record ContainerMount(string Destination, string Type, string Source, IReadOnlyList<string> Options)
{
    /// <summary>A read-only bind mount of the host file or directory <paramref name="source"/>.</summary>
    public static ContainerMount ReadOnlyBind(string source, string destination) => new(destination, "bind", source, ["rbind", "ro"]);
}
