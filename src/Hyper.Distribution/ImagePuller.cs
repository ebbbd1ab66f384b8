using Hyper.Distribution.Progress;
using Hyper.Distribution.Registry;
using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Distribution;

/// <summary>
/// Pulls an image from a registry into an OCI layout: resolves the reference, chooses the platform
/// from an index, downloads the config and layers the layout lacks (a few at a time, each verified
/// and written atomically), then stores the manifests. Manifests are kept byte for byte, Docker
/// schema 2 included, so digests stay those of the registry.
/// </summary>
public sealed class ImagePuller(RegistryClient client)
{
    /// <summary>Blobs downloaded at once: enough to hide per-request latency without splitting bandwidth thin.</summary>
    public const int DefaultConcurrentDownloads = 3;

    private readonly RegistryClient _client = client ?? throw new ArgumentNullException(nameof(client));

    public int ConcurrentDownloads { get; init; } = DefaultConcurrentDownloads;

    /// <summary>
    /// Pulls <paramref name="reference"/> for <paramref name="platform"/> into <paramref name="destination"/>
    /// and, when <paramref name="tag"/> is given, lists the image manifest in its <c>index.json</c> under it.
    /// The blobs are in the layout before any manifest that names them. Throws
    /// <see cref="RegistryClientException"/> for what the registry refuses, <see cref="PlatformNotFoundException"/>
    /// when an index has nothing for the platform, and <see cref="DigestMismatchException"/> for corrupt blobs.
    /// </summary>
    public async Task<PulledImage> PullAsync(
        Reference reference,
        Platform platform,
        OciLayout destination,
        string? tag = null,
        IProgress<TransferProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(platform);
        ArgumentNullException.ThrowIfNull(destination);

        var top = await _client.GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
        var (index, manifest, descriptor) = top.Index is { } list
            ? await ChooseFromIndexAsync(reference, top, list, platform, cancellationToken).ConfigureAwait(false)
            : (null, top, top.ToDescriptor());
        var image = manifest.Image ?? throw new RegistryClientException(
            $"{reference} is not a container image: its manifest is of type '{manifest.MediaType}'",
            RegistryErrorCodes.InvalidResponse);
        if (!MediaTypes.IsImageConfig(image.Config.MediaType))
        {
            throw new RegistryClientException(
                $"{reference} is not a container image but an artifact: its config is of type '{image.Config.MediaType}'",
                RegistryErrorCodes.InvalidResponse);
        }

        var repository = reference.WithDigest(manifest.Digest);
        await DownloadBlobsAsync(repository, image, destination, progress, cancellationToken).ConfigureAwait(false);

        if (index is not null)
        {
            // Kept as a blob so the pull can be traced back to the index; it is not listed, as the
            // other platforms' manifests are not in the layout.
            await destination.WriteBlobAsync(index.Bytes, index.MediaType, cancellationToken).ConfigureAwait(false);
        }

        if (tag is null)
        {
            await destination.WriteBlobAsync(manifest.Bytes, manifest.MediaType, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            descriptor = await destination.AddManifestAsync(manifest, tag, descriptor.Platform, cancellationToken).ConfigureAwait(false);
        }

        var configBytes = await destination.ReadBlobAsync(image.Config, cancellationToken).ConfigureAwait(false);
        ImageConfig config;
        try
        {
            config = ImageConfig.Parse(configBytes);
        }
        catch (InvalidOciDocumentException e)
        {
            throw new RegistryClientException($"the config of {repository} is not a valid image config: {e.Message}", RegistryErrorCodes.InvalidResponse, null, e);
        }

        return new PulledImage(repository, manifest, descriptor, index, config, configBytes);
    }

    private async Task<(Manifest Index, Manifest Manifest, Descriptor Descriptor)> ChooseFromIndexAsync(
        Reference reference, Manifest top, ImageIndex list, Platform platform, CancellationToken cancellationToken)
    {
        var chosen = PlatformMatcher.Choose(list.Manifests, platform)
            ?? throw new PlatformNotFoundException(
                reference,
                platform,
                list.Manifests.Where(d => MediaTypes.IsImageManifest(d.MediaType)).Select(d => d.Platform).OfType<Platform>().ToList());
        var manifest = await _client.GetManifestAsync(reference.WithDigest(chosen.Digest), cancellationToken).ConfigureAwait(false);
        if (manifest.Bytes.Length != chosen.Size)
        {
            throw new RegistryClientException(
                $"manifest {chosen.Digest} of {reference} is {manifest.Bytes.Length} bytes, but the index says {chosen.Size}",
                RegistryErrorCodes.InvalidResponse);
        }

        return (top, manifest, chosen);
    }

    private async Task DownloadBlobsAsync(
        Reference repository, ImageManifest image, OciLayout destination, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        // Foreign (non-distributable) layers are fetched from their urls by whoever runs the image;
        // the layout does not hold them either.
        var blobs = new[] { image.Config }.Concat(image.Layers)
            .Where(d => d.Urls is not { Count: > 0 })
            .DistinctBy(d => d.Digest)
            .ToList();
        foreach (var blob in blobs)
        {
            progress?.Report(new TransferProgress(blob.Digest.ToString(), Describe(blob, image), 0, blob.Size, TransferState.Waiting));
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = ConcurrentDownloads, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(blobs, options, async (blob, token) =>
            await DownloadBlobAsync(repository, blob, Describe(blob, image), destination, progress, token).ConfigureAwait(false))
            .ConfigureAwait(false);
    }

    private async Task DownloadBlobAsync(
        Reference repository, Descriptor blob, string description, OciLayout destination, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        var id = blob.Digest.ToString();
        // The layout writes blobs only once complete and verified, so one that is there is whole.
        if (destination.HasBlob(blob.Digest))
        {
            progress?.Report(new TransferProgress(id, description, blob.Size, blob.Size, TransferState.Skipped));
            return;
        }

        try
        {
            progress?.Report(new TransferProgress(id, description, 0, blob.Size, TransferState.Running));
            var content = await _client.GetBlobAsync(repository, blob, cancellationToken).ConfigureAwait(false);
            if (progress is not null)
            {
                content = new ProgressReportingStream(content, progress, id, description, blob.Size);
            }

            await using (content.ConfigureAwait(false))
            {
                await destination.WriteBlobAsync(content, blob.MediaType, blob.Digest, blob.Size, cancellationToken).ConfigureAwait(false);
            }

            progress?.Report(new TransferProgress(id, description, blob.Size, blob.Size, TransferState.Done));
        }
        catch
        {
            progress?.Report(new TransferProgress(id, description, 0, blob.Size, TransferState.Failed));
            throw;
        }
    }

    private static string Describe(Descriptor blob, ImageManifest image) =>
        blob.Digest == image.Config.Digest ? "config" : $"layer {blob.Digest.Encoded[..12]}";
}
