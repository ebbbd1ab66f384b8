using Hyper.Oci;

namespace Hyper.Distribution.Content;

/// <summary>
/// The one image of an index that runs on a platform, as content of its own: what a destination that holds a
/// single image (a docker archive, a root filesystem, the local store) is given when the source is an index.
/// </summary>
public sealed class PlatformImageContent : IImageContent
{
    private readonly IImageContent _index;

    private PlatformImageContent(IImageContent index, Manifest manifest, Descriptor descriptor)
    {
        _index = index;
        Manifest = manifest;
        Descriptor = descriptor;
    }

    /// <summary>The chosen image manifest.</summary>
    public Manifest Manifest { get; }

    /// <summary>The index entry chosen, with its platform.</summary>
    public Descriptor Descriptor { get; }

    public Reference? RegistryRepository => _index.RegistryRepository;

    /// <summary>
    /// <paramref name="source"/> itself when it is an image manifest, else the image of its index for
    /// <paramref name="platform"/> (first match in index order); throws <see cref="PlatformNotFoundException"/>
    /// naming <paramref name="sourceName"/> and the platforms there are when none matches.
    /// </summary>
    public static async Task<IImageContent> SelectAsync(IImageContent source, Platform platform, string sourceName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(platform);
        if (source.Manifest.Index is not { } index)
        {
            return source;
        }

        var chosen = PlatformMatcher.Choose(index.Manifests, platform)
            ?? throw new PlatformNotFoundException(
                sourceName,
                platform,
                index.Manifests.Where(d => MediaTypes.IsImageManifest(d.MediaType)).Select(d => d.Platform).OfType<Platform>().ToList());
        var manifest = await source.GetManifestAsync(chosen, cancellationToken).ConfigureAwait(false);
        return new PlatformImageContent(source, manifest, chosen);
    }

    public Task<Manifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        _index.GetManifestAsync(descriptor, cancellationToken);

    public Task<Stream> OpenBlobAsync(Descriptor blob, long offset, CancellationToken cancellationToken) =>
        _index.OpenBlobAsync(blob, offset, cancellationToken);
}
