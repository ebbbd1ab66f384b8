using Hyper.Build.Cache;
using Hyper.Oci;

namespace Hyper.Build.Engine;

/// <summary>What a build produced: the image in the local store.</summary>
/// <param name="Manifest">The image manifest, exact bytes.</param>
/// <param name="Config">The image config.</param>
/// <param name="Tags">The names it was stored under.</param>
public sealed record BuildResult(Manifest Manifest, ImageConfig Config, IReadOnlyList<Reference> Tags)
{
    /// <summary>The cache records of the steps the image is made of (<c>--cache-to …,mode=min</c>).</summary>
    public IReadOnlyList<CacheRecord> ImageCacheRecords { get; init; } = [];

    /// <summary>The cache records of every step of every stage built (<c>--cache-to …,mode=max</c>).</summary>
    public IReadOnlyList<CacheRecord> AllCacheRecords { get; init; } = [];

    /// <summary>The image ID as docker shows it: the config's digest.</summary>
    public Digest Id => Manifest.Image!.Config.Digest;
}
