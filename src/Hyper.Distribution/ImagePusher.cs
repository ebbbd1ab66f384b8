using Hyper.Distribution.Content;
using Hyper.Distribution.Progress;
using Hyper.Distribution.Registry;
using Hyper.Oci;

namespace Hyper.Distribution;

/// <summary>
/// Pushes an image or an index to a registry: blobs the repository lacks are mounted from the source's repository
/// when that is on the same registry, else uploaded (a few at a time; large ones in chunks that resume after a
/// break); then child manifests by digest, and the top manifest last under the destination's tag, so the registry
/// never holds a manifest that names something it lacks.
/// </summary>
public sealed class ImagePusher(RegistryClient client)
{
    /// <summary>Blobs uploaded at once: as for pulls, enough to hide per-request latency without splitting bandwidth thin.</summary>
    public const int DefaultConcurrentUploads = 3;

    private readonly RegistryClient _client = client ?? throw new ArgumentNullException(nameof(client));

    public int ConcurrentUploads { get; init; } = DefaultConcurrentUploads;

    /// <summary>
    /// Pushes <paramref name="source"/> to <paramref name="destination"/>: under its tag (<c>latest</c> when it names
    /// none), or by digest when it names one, which must be the source manifest's. Returns the descriptor of the
    /// pushed top manifest. Throws <see cref="RegistryClientException"/> for what the registry refuses.
    /// </summary>
    public async Task<Descriptor> PushAsync(
        IImageContent source, Reference destination, IProgress<TransferProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var top = source.Manifest;
        if (destination.Digest is { } digest && top.ComputeDigest(digest.Algorithm) != digest)
        {
            throw new ArgumentException($"{destination} names a digest, but the image to push is {top.Digest}", nameof(destination));
        }

        // Children before parents: every manifest is stored only once all it names is there.
        var manifests = new List<Manifest>();
        await CollectAsync(source, top, manifests, cancellationToken).ConfigureAwait(false);
        var blobs = manifests.SelectMany(BlobsOf).DistinctBy(b => b.Digest).ToList();
        foreach (var blob in blobs)
        {
            progress?.Report(new TransferProgress(blob.Digest.ToString(), Describe(blob, manifests), 0, blob.Size, TransferState.Waiting));
        }

        var mountFrom = source.RegistryRepository is { } from
            && string.Equals(from.Registry, destination.Registry, StringComparison.OrdinalIgnoreCase)
            && from.Repository != destination.Repository
            ? from
            : null;
        var options = new ParallelOptions { MaxDegreeOfParallelism = ConcurrentUploads, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(blobs, options, async (blob, token) =>
            await PushBlobAsync(source, destination, mountFrom, blob, Describe(blob, manifests), progress, token).ConfigureAwait(false))
            .ConfigureAwait(false);

        foreach (var child in manifests.Take(manifests.Count - 1))
        {
            await _client.PutManifestAsync(destination.WithDigest(child.Digest), child, cancellationToken).ConfigureAwait(false);
        }

        var target = destination.Digest is null && destination.Tag is null ? destination.WithTag(Reference.DefaultTag) : destination;
        return await _client.PutManifestAsync(target, top, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds <paramref name="manifest"/> after all manifests it lists, depth first, each once.</summary>
    private static async Task CollectAsync(IImageContent source, Manifest manifest, List<Manifest> into, CancellationToken cancellationToken)
    {
        foreach (var child in manifest.Children)
        {
            if (into.All(m => m.Digest != child.Digest))
            {
                await CollectAsync(source, await source.GetManifestAsync(child, cancellationToken).ConfigureAwait(false), into, cancellationToken).ConfigureAwait(false);
            }
        }

        into.Add(manifest);
    }

    // Foreign (non-distributable) layers live at their urls; registries do not expect them pushed.
    private static IEnumerable<Descriptor> BlobsOf(Manifest manifest) => manifest.Blobs.Where(b => b.Urls is not { Count: > 0 });

    private async Task PushBlobAsync(
        IImageContent source,
        Reference destination,
        Reference? mountFrom,
        Descriptor blob,
        string description,
        IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        var id = blob.Digest.ToString();
        try
        {
            // A mount also answers "already there" (201), so it replaces the HEAD.
            var present = mountFrom is not null
                ? await _client.MountBlobAsync(destination, blob, mountFrom, cancellationToken).ConfigureAwait(false)
                : await _client.BlobExistsAsync(destination, blob, cancellationToken).ConfigureAwait(false);
            if (present)
            {
                progress?.Report(new TransferProgress(id, description, blob.Size, blob.Size, TransferState.Skipped));
                return;
            }

            progress?.Report(new TransferProgress(id, description, 0, blob.Size, TransferState.Running));
            await _client.UploadBlobAsync(
                destination,
                blob,
                async (offset, token) =>
                {
                    var content = await source.OpenBlobAsync(blob, offset, token).ConfigureAwait(false);
                    return progress is null ? content : new ProgressReportingStream(content, progress, id, description, blob.Size, offset);
                },
                cancellationToken).ConfigureAwait(false);
            progress?.Report(new TransferProgress(id, description, blob.Size, blob.Size, TransferState.Done));
        }
        catch
        {
            progress?.Report(new TransferProgress(id, description, 0, blob.Size, TransferState.Failed));
            throw;
        }
    }

    private static string Describe(Descriptor blob, List<Manifest> manifests) =>
        manifests.Any(m => m.Image?.Config.Digest == blob.Digest) ? "config" : $"layer {blob.Digest.Encoded[..12]}";
}
