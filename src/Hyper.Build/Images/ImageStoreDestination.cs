using Hyper.Distribution.Content;
using Hyper.Distribution.Destinations;
using Hyper.Distribution.Progress;
using Hyper.Oci;

namespace Hyper.Build.Images;

/// <summary>
/// hyperbuild's local store as a destination (<c>hyperbuild pull</c>): one image, its blobs added to the store's
/// layout (those there already skipped) and listed under <paramref name="names"/>, so builds and <c>hyperbuild images</c> see it.
/// </summary>
public sealed class ImageStoreDestination(ImageStore store, IReadOnlyCollection<Reference> names) : IImageDestination
{
    private readonly ImageStore _store = store ?? throw new ArgumentNullException(nameof(store));
    private readonly IReadOnlyCollection<Reference> _names = names ?? throw new ArgumentNullException(nameof(names));

    /// <summary>The store lists images, not indexes: builds and <c>run</c> need one platform's image.</summary>
    public bool AcceptsIndex => false;

    public async Task<Descriptor> WriteAsync(IImageContent image, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var manifest = image.Manifest;
        if (manifest.Image is not { } parsed)
        {
            throw new ArgumentException($"{manifest.Digest} is an index: the local store holds images, so choose the platform's image first", nameof(image));
        }

        if (!MediaTypes.IsImageConfig(parsed.Config.MediaType))
        {
            throw new InvalidOciDocumentException($"{manifest.Digest} is not a container image but an artifact (config of type '{parsed.Config.MediaType}'): the local store holds images only");
        }

        await OciLayoutDestination.CopyContentAsync(image, _store.Layout, progress, cancellationToken).ConfigureAwait(false);
        var config = ImageConfig.Parse(await _store.Layout.ReadBlobAsync(parsed.Config, cancellationToken).ConfigureAwait(false));
        await _store.AddAsync(manifest, _names, config.Platform, cancellationToken).ConfigureAwait(false);
        return manifest.ToDescriptor(platform: config.Platform);
    }
}
