namespace Hyper.Oci.Layout;

/// <summary>Untagging images and deleting the blobs no image needs any more.</summary>
public sealed partial class OciLayout
{
    /// <summary>
    /// Removes the index entries tagged <paramref name="tag"/>; the blobs stay until
    /// <see cref="DeleteUnreferencedBlobsAsync"/>. Returns false when no entry had that tag.
    /// </summary>
    public async Task<bool> RemoveTagAsync(string tag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        return await RemoveEntriesAsync(d => d.RefName == tag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes every index entry of the manifest <paramref name="digest"/>, tagged or not. Returns false when there was none.</summary>
    public async Task<bool> RemoveManifestAsync(Digest digest, CancellationToken cancellationToken = default) =>
        await RemoveEntriesAsync(d => d.Digest == digest, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Deletes every blob that no manifest listed in <c>index.json</c> reaches (through child manifests,
    /// configs and layers) and returns how many bytes that freed. A blob being written by another process
    /// at the same moment and not yet referenced is deleted too, so run this only when nothing else writes.
    /// </summary>
    /// <param name="keep">Blobs to keep although no manifest reaches them (a build cache's layers).</param>
    /// <param name="cancellationToken">Stops the walk; blobs already deleted stay deleted.</param>
    public async Task<long> DeleteUnreferencedBlobsAsync(IReadOnlySet<Digest>? keep = null, CancellationToken cancellationToken = default)
    {
        var reachable = new HashSet<Digest>(keep ?? new HashSet<Digest>());
        var pending = new Stack<Descriptor>((await ReadIndexAsync(cancellationToken).ConfigureAwait(false)).Manifests);
        while (pending.TryPop(out var descriptor))
        {
            if (!reachable.Add(descriptor.Digest) || !MediaTypes.IsManifest(descriptor.MediaType) || !HasBlob(descriptor.Digest))
            {
                continue;
            }

            var manifest = await ReadManifestAsync(descriptor, cancellationToken).ConfigureAwait(false);
            foreach (var child in manifest.Blobs.Concat(manifest.Children))
            {
                pending.Push(child);
            }
        }

        long freed = 0;
        foreach (var blob in ListBlobs().Where(b => !reachable.Contains(b)))
        {
            var path = GetBlobPath(blob);
            freed += new FileInfo(path).Length;
            File.Delete(path);
        }

        return freed;
    }

    private async Task<bool> RemoveEntriesAsync(Func<Descriptor, bool> match, CancellationToken cancellationToken)
    {
        await _indexLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var updating = OperatingSystem.IsWindows() ? null : await AdvisoryLock.AcquireExclusiveAsync(Path, cancellationToken).ConfigureAwait(false);
            var index = await ReadIndexAsync(cancellationToken).ConfigureAwait(false);
            var kept = index.Manifests.Where(d => !match(d)).ToList();
            if (kept.Count == index.Manifests.Count)
            {
                return false;
            }

            await WriteIndexAsync(index with { Manifests = kept }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _indexLock.Release();
        }
    }
}
