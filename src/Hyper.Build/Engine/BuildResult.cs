using Hyper.Oci;

namespace Hyper.Build.Engine;

/// <summary>What a build produced: the image in the local store.</summary>
/// <param name="Manifest">The image manifest, exact bytes.</param>
/// <param name="Config">The image config.</param>
/// <param name="Tags">The names it was stored under.</param>
public sealed record BuildResult(Manifest Manifest, ImageConfig Config, IReadOnlyList<Reference> Tags)
{
    /// <summary>The image ID as docker shows it: the config's digest.</summary>
    public Digest Id => Manifest.Image!.Config.Digest;
}
