using Hyper.Build.Context;
using Hyper.Build.Execution;
using Hyper.Build.Solver;
using Hyper.Oci;

namespace Hyper.Build.Engine;

/// <summary>One build: the context (which names the Dockerfile), what to build and how to write it.</summary>
public sealed record BuildRequest
{
    public required BuildContext Context { get; init; }

    /// <summary>Build arguments, target stage and platform.</summary>
    public BuildOptions Options { get; init; } = new();

    /// <summary>The names (<c>-t</c>) the image gets in the local image store; none leaves it untagged.</summary>
    public IReadOnlyList<Reference> Tags { get; init; } = [];

    public LayerCompression Compression { get; init; } = LayerCompression.Gzip;

    public ManifestFormat Format { get; init; } = ManifestFormat.Oci;

    /// <summary>The network of RUN steps that do not ask for one (<c>--network</c>).</summary>
    public NetworkMode Network { get; init; } = NetworkMode.Default;

    /// <summary>Named contexts (<c>--build-context NAME=…</c>) by name as written in FROM and <c>--from</c>.</summary>
    public IReadOnlyDictionary<string, NamedContext> NamedContexts { get; init; } = new Dictionary<string, NamedContext>();

    /// <summary>
    /// Secrets (<c>--secret id=ID,src=FILE|env=VAR</c>) by ID, for <c>RUN --mount=type=secret</c>: given to
    /// the steps that ask for them and never written into a layer, the config or the history.
    /// </summary>
    public IReadOnlyDictionary<string, byte[]> Secrets { get; init; } = new Dictionary<string, byte[]>();

    /// <summary>Run every step, reusing nothing from the build cache (<c>--no-cache</c>); the results are still recorded.</summary>
    public bool NoCache { get; init; }

    /// <summary>
    /// <c>--cache-to type=inline</c>: the cache records of the image's steps go into its manifest (an annotation),
    /// so <c>--cache-from IMAGE</c> on another machine reuses its layers. The image ID (config) is unchanged.
    /// </summary>
    public bool InlineCache { get; init; }

    /// <summary>Build cache made elsewhere (<c>--cache-from</c>), looked in when the local cache has no record.</summary>
    public IReadOnlyList<Cache.ImportedCache> CacheImports { get; init; } = [];

    /// <summary>Stages (by name or index) whose steps run even when cached (<c>--no-cache-filter</c>).</summary>
    public IReadOnlySet<string> NoCacheFilter { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// ssh-agent sockets (<c>--ssh ID=SOCKET</c>) by ID, for <c>RUN --mount=type=ssh</c>: a step that asks for
    /// one gets a socket of its own that forwards each connection to this host socket, so the agent's keys
    /// can be used but never end up in the image. The path is only where to connect; it is not part of the build.
    /// </summary>
    public IReadOnlyDictionary<string, string> SshAgents { get; init; } = new Dictionary<string, string>();

    /// <summary>Fetch base images from their registry even when the local store has them (<c>--pull</c>).</summary>
    public bool Pull { get; init; }

    /// <summary>
    /// How many stages build at once (<c>--jobs</c>): stages that do not depend on each other run in parallel,
    /// as BuildKit runs independent vertices; 1 builds them one after another. At least 1; the default is
    /// the number of processors.
    /// </summary>
    public int Jobs
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = Environment.ProcessorCount;
}
