using Hyper.Oci;

namespace Hyper.Build.Images;

/// <summary>Where a build gets the images its stages start from and copy from.</summary>
public interface IImageSource
{
    /// <summary>
    /// The image <paramref name="reference"/> for <paramref name="platform"/>, with every blob in the local
    /// <see cref="ImageStore"/>. With <paramref name="pull"/> it is fetched again even when the store has it.
    /// </summary>
    Task<StoredImage> GetAsync(Reference reference, Platform platform, bool pull, CancellationToken cancellationToken);
}
