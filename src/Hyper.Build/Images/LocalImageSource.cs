using Hyper.Oci;

namespace Hyper.Build.Images;

/// <summary>Images from the local store only: builds that must not touch the network.</summary>
public sealed class LocalImageSource(ImageStore store) : IImageSource
{
    public async Task<StoredImage> GetAsync(Reference reference, Platform platform, bool pull, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return await store.FindAsync(reference.ToString(), cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"image {reference} is not in the local image store ({store.Layout.Path}), and this build does not pull");
    }
}
