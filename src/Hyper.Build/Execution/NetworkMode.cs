namespace Hyper.Build.Execution;

/// <summary>The network a RUN step gets (<c>RUN --network=…</c>).</summary>
public enum NetworkMode
{
    /// <summary>
    /// BuildKit's default. Without a CNI setup here, the step shares the host's network, as
    /// buildah does with <c>--network host</c>; isolation arrives with a bridge setup.
    /// </summary>
    Default,

    /// <summary>Only a loopback interface: nothing outside the container is reachable.</summary>
    None,

    /// <summary>The host's network namespace.</summary>
    Host,
}
