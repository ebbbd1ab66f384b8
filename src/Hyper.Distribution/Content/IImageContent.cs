using Hyper.Oci;

namespace Hyper.Distribution.Content;

/// <summary>
/// An image (or index) to be written somewhere, wherever it lives now: a registry, an OCI layout or
/// archive, a docker archive. Writers (push to a registry, write a layout or archive) read everything
/// through this, so any source can go to any destination, and registry-to-registry copies stream blobs
/// without a copy on disk.
/// </summary>
public interface IImageContent
{
    /// <summary>The top manifest: an image manifest, or an index whose children <see cref="GetManifestAsync"/> gives.</summary>
    Manifest Manifest { get; }

    /// <summary>
    /// Where the blobs live when that is a registry repository, so a push to another repository of the same
    /// registry can mount them instead of uploading; null for local sources.
    /// </summary>
    Reference? RegistryRepository { get; }

    /// <summary>A child manifest of an index, exact bytes, verified against <paramref name="descriptor"/>.</summary>
    Task<Manifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken);

    /// <summary>
    /// A blob's content from <paramref name="offset"/> on (0 for all of it); reading it to the end verifies the
    /// digest when <paramref name="offset"/> is 0. Sources that cannot seek throw <see cref="NotSupportedException"/> for a non-zero offset.
    /// </summary>
    Task<Stream> OpenBlobAsync(Descriptor blob, long offset, CancellationToken cancellationToken);
}
