using Hyper.Distribution.Content;
using Hyper.Distribution.Progress;
using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Distribution.Destinations;

/// <summary>
/// <c>oci:DIR[:TAG]</c>: an OCI image layout directory, created when missing and added to when it exists. Blobs the
/// layout has are not copied again; manifests keep their bytes, so digests are those of the source.
/// </summary>
public sealed class OciLayoutDestination(string directory, string? tag) : IImageDestination
{
    public string Directory { get; } = string.IsNullOrEmpty(directory) ? throw new ArgumentException("the layout needs a directory", nameof(directory)) : directory;

    /// <summary>The name the image is listed under in <c>index.json</c> (<c>org.opencontainers.image.ref.name</c>); null leaves it untagged.</summary>
    public string? Tag { get; } = tag;

    public bool AcceptsIndex => true;

    public async Task<Descriptor> WriteAsync(IImageContent image, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var layout = await OciLayout.CreateAsync(Directory, cancellationToken).ConfigureAwait(false);
        await CopyContentAsync(image, layout, progress, cancellationToken).ConfigureAwait(false);
        var platform = image is PlatformImageContent chosen ? chosen.Descriptor.Platform : null;
        return await layout.AddManifestAsync(image.Manifest, Tag, platform, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Copies the blobs of <paramref name="image"/> the layout lacks (a few at a time, each verified) and its child
    /// manifests into <paramref name="layout"/>, without listing anything in <c>index.json</c>: that is the caller's
    /// choice (a tag, a store name).
    /// </summary>
    public static async Task<ImageGraph> CopyContentAsync(IImageContent image, OciLayout layout, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(layout);
        var graph = await ImageGraph.LoadAsync(image, cancellationToken).ConfigureAwait(false);
        BlobTransfer.ReportWaiting(graph, progress);
        var options = new ParallelOptions { MaxDegreeOfParallelism = BlobTransfer.ConcurrentBlobs, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(graph.Blobs, options, async (blob, token) =>
        {
            var description = graph.Describe(blob);
            // The layout writes blobs only once complete and verified, so one that is there is whole.
            if (layout.HasBlob(blob.Digest))
            {
                BlobTransfer.ReportSkipped(blob, description, progress);
                return;
            }

            await BlobTransfer.CopyAsync(
                image,
                blob,
                description,
                (content, ct) => layout.WriteBlobAsync(content, blob.MediaType, blob.Digest, blob.Size, ct),
                progress,
                token).ConfigureAwait(false);
        }).ConfigureAwait(false);

        foreach (var manifest in graph.Manifests.Take(graph.Manifests.Count - 1))
        {
            await layout.WriteBlobAsync(manifest.Bytes, manifest.MediaType, cancellationToken).ConfigureAwait(false);
        }

        return graph;
    }
}
