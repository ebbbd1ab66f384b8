using Hyper.Distribution.Content;
using Hyper.Distribution.Progress;
using Hyper.Oci;

namespace Hyper.Distribution.Destinations;

/// <summary>
/// Where an image is written: an OCI layout or archive, a docker archive, hyperbuild's local store, a root
/// filesystem, a registry. Every destination reads what it writes through <see cref="IImageContent"/>, so any
/// source goes to any destination.
/// </summary>
public interface IImageDestination
{
    /// <summary>
    /// True when an index with all its images can be written; false when the destination holds one image
    /// (a docker archive, a root filesystem), which must then be chosen from an index first.
    /// </summary>
    bool AcceptsIndex { get; }

    /// <summary>
    /// Writes <paramref name="image"/> and everything it names, reporting each blob through <paramref name="progress"/>;
    /// returns the descriptor of the manifest written (for destinations that write new manifests, the new one).
    /// Nothing is left half-written when it fails or is cancelled, beyond complete, verified blobs.
    /// </summary>
    Task<Descriptor> WriteAsync(IImageContent image, IProgress<TransferProgress>? progress, CancellationToken cancellationToken);
}
