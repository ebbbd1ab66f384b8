using Hyper.Distribution.Content;
using Hyper.Distribution.Progress;
using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Distribution.Destinations;

/// <summary>
/// <c>oci-archive:FILE[:TAG]</c>: a tar of an OCI layout holding the image, replacing the file when it exists.
/// The layout is staged beside the file and packed reproducibly; the file appears only once complete.
/// </summary>
public sealed class OciArchiveDestination(string archivePath, string? tag) : IImageDestination
{
    public string ArchivePath { get; } = string.IsNullOrEmpty(archivePath) ? throw new ArgumentException("the archive needs a file name", nameof(archivePath)) : archivePath;

    public string? Tag { get; } = tag;

    public bool AcceptsIndex => true;

    public async Task<Descriptor> WriteAsync(IImageContent image, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var staging = ScratchDirectory.Beside(ArchivePath);
        var descriptor = await new OciLayoutDestination(staging.Path, Tag).WriteAsync(image, progress, cancellationToken).ConfigureAwait(false);
        var layout = await OciLayout.OpenAsync(staging.Path, cancellationToken).ConfigureAwait(false);
        await OciArchive.WriteAsync(layout, ArchivePath, cancellationToken).ConfigureAwait(false);
        return descriptor;
    }
}
