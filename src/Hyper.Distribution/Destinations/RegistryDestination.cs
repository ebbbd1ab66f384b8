using Hyper.Distribution.Content;
using Hyper.Distribution.Progress;
using Hyper.Oci;

namespace Hyper.Distribution.Destinations;

/// <summary>
/// <c>docker://REF</c>: a registry, written by <see cref="ImagePusher"/>. From another repository of the same registry
/// blobs are mounted, not copied; from another registry they stream through without touching the disk.
/// </summary>
public sealed class RegistryDestination(ImagePusher pusher, Reference reference) : IImageDestination
{
    private readonly ImagePusher _pusher = pusher ?? throw new ArgumentNullException(nameof(pusher));

    /// <summary>Where the image goes: its tag (<c>latest</c> when none), or a digest that must be the image's.</summary>
    public Reference Reference { get; } = reference ?? throw new ArgumentNullException(nameof(reference));

    public bool AcceptsIndex => true;

    public Task<Descriptor> WriteAsync(IImageContent image, IProgress<TransferProgress>? progress, CancellationToken cancellationToken) =>
        _pusher.PushAsync(image, Reference, progress, cancellationToken);
}
