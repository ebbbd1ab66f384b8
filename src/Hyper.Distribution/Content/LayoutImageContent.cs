using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Distribution.Content;

/// <summary>An image in an OCI layout (hyperbuild's image store is one) as <see cref="IImageContent"/>.</summary>
public sealed class LayoutImageContent(OciLayout layout, Manifest manifest) : IImageContent
{
    public Manifest Manifest { get; } = manifest ?? throw new ArgumentNullException(nameof(manifest));

    /// <summary>The layout the blobs are in, for writers that can read a layout directly (docker archives).</summary>
    public OciLayout Layout { get; } = layout ?? throw new ArgumentNullException(nameof(layout));

    public Reference? RegistryRepository => null;

    public Task<Manifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        Layout.ReadManifestAsync(descriptor, cancellationToken);

    public Task<Stream> OpenBlobAsync(Descriptor blob, long offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset == 0)
        {
            return Task.FromResult(Layout.OpenBlob(blob));
        }

        // A resumed upload re-reads from where the registry stopped; the bytes before were verified when stored.
        var file = new FileStream(Layout.GetBlobPath(blob.Digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        file.Seek(offset, SeekOrigin.Begin);
        return Task.FromResult<Stream>(file);
    }
}
