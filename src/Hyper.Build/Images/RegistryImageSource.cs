using Hyper.Distribution;
using Hyper.Oci;

namespace Hyper.Build.Images;

/// <summary>
/// Base images as docker's builder finds them: the local store when it has the name (unless a pull is
/// asked for), otherwise pulled from the registry into the store and named there, so the next build and
/// <c>hyperbuild images</c> see it. An image named by digest is never pulled again once stored.
/// </summary>
public sealed class RegistryImageSource(ImageStore store, ImagePuller puller) : IImageSource
{
    public async Task<StoredImage> GetAsync(Reference reference, Platform platform, bool pull, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(platform);
        if ((!pull || reference.Digest is not null) && await store.FindAsync(reference.ToString(), cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return stored;
        }

        var pulled = await puller.PullAsync(reference, platform, store.Layout, tag: null, progress: null, cancellationToken).ConfigureAwait(false);
        await store.AddAsync(pulled.Manifest, [reference], pulled.Config.Platform, cancellationToken).ConfigureAwait(false);
        return new StoredImage(reference, pulled.ManifestDescriptor, pulled.Manifest, pulled.Config);
    }
}
