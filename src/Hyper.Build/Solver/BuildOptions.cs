using Hyper.Oci;

namespace Hyper.Build.Solver;

/// <summary>What a build is asked for: build arguments, target stage and platforms.</summary>
public sealed record BuildOptions
{
    /// <summary><c>--build-arg</c> values; they override ARG defaults and give values to ARGs without one.</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>The stage to build (<c>--target</c>), case-insensitive; null builds the last stage.</summary>
    public string? Target { get; init; }

    /// <summary>The platform of the result (<c>--platform</c>); null means <see cref="BuildPlatform"/>.</summary>
    public Platform? TargetPlatform { get; init; }

    /// <summary>The platform of the machine doing the build.</summary>
    public Platform BuildPlatform { get; init; } = Platform.Current;

    /// <summary>
    /// Plan every stage, not only those the target needs: what <c>--call check</c> does without
    /// <c>--target</c>, so problems anywhere in the file are reported.
    /// </summary>
    public bool AllStages { get; init; }

    /// <summary>
    /// The environment of a base image, when it is known (after the image config has been fetched), so
    /// that values built on it, <c>ENV PATH=$PATH:/opt/bin</c> say, expand as they will when built. Without
    /// it only PATH is assumed, with the default BuildKit gives images that set none.
    /// </summary>
    public Func<Reference, Platform, IReadOnlyDictionary<string, string>?>? ImageEnvironment { get; init; }

    /// <summary>
    /// The ONBUILD triggers of a base image (its config's OnBuild), when known: they run first in a stage
    /// built on it, as if written right after its FROM.
    /// </summary>
    public Func<Reference, Platform, IReadOnlyList<string>?>? ImageTriggers { get; init; }
}
