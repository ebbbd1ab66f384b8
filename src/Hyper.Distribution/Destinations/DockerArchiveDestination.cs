using Hyper.Distribution.Content;
using Hyper.Distribution.Progress;
using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Distribution.Destinations;

/// <summary>
/// <c>docker-archive:FILE[:REF]</c>: the tar <c>docker load</c> reads, holding one image, named <paramref name="repoTags"/>
/// (<c>repo:tag</c>, may be empty). Layers are written uncompressed, so the manifest digest changes while the config
/// digest (docker's image ID) and diff IDs stay. Content not already in a layout is staged beside the file first.
/// </summary>
public sealed class DockerArchiveDestination(string archivePath, IReadOnlyList<string> repoTags) : IImageDestination
{
    public string ArchivePath { get; } = string.IsNullOrEmpty(archivePath) ? throw new ArgumentException("the archive needs a file name", nameof(archivePath)) : archivePath;

    public IReadOnlyList<string> RepoTags { get; } = repoTags ?? throw new ArgumentNullException(nameof(repoTags));

    public bool AcceptsIndex => false;

    public async Task<Descriptor> WriteAsync(IImageContent image, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Manifest.Image is null)
        {
            throw new ArgumentException(
                $"{image.Manifest.Digest} is an index: a docker archive holds one image, so choose the platform's image first", nameof(image));
        }

        if (image is LayoutImageContent local)
        {
            await DockerArchive.WriteAsync(local.Layout, image.Manifest, RepoTags, ArchivePath, cancellationToken).ConfigureAwait(false);
            return image.Manifest.ToDescriptor();
        }

        using var staging = ScratchDirectory.Beside(ArchivePath);
        var layout = await OciLayout.CreateAsync(staging.Path, cancellationToken).ConfigureAwait(false);
        await OciLayoutDestination.CopyContentAsync(image, layout, progress, cancellationToken).ConfigureAwait(false);
        await layout.WriteBlobAsync(image.Manifest.Bytes, image.Manifest.MediaType, cancellationToken).ConfigureAwait(false);
        await DockerArchive.WriteAsync(layout, image.Manifest, RepoTags, ArchivePath, cancellationToken).ConfigureAwait(false);
        return image.Manifest.ToDescriptor();
    }
}
