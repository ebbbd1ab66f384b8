using Hyper.Oci;
using Hyper.Registry.Configuration;
using Hyper.Registry.Metadata;
using Hyper.Registry.Storage;

namespace Hyper.Registry.Core;

/// <summary>
/// Blobs as a repository sees them: a blob is served by a repository only if it was pushed or mounted
/// there, even though the bytes are stored once for the whole registry.
/// </summary>
public sealed class RepositoryBlobs(IBlobStore blobs, IMetadataStore metadata, RegistryOptions options)
{
    /// <summary>Opens a blob of the repository; BLOB_UNKNOWN when the repository does not have it.</summary>
    public async Task<StoredBlob> OpenAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        var size = await metadata.GetBlobLinkAsync(repository, digest, cancellationToken).ConfigureAwait(false)
            ?? throw BlobUnknown(repository, digest);
        var blob = await blobs.OpenAsync(digest, cancellationToken).ConfigureAwait(false)
            ?? throw BlobUnknown(repository, digest);

        // A file may come back short from damage, or from a power cut when it was stored without a sync
        // (as blobs were before the store synced them). Serving it would hand out corrupt content under a
        // digest, so it is reported missing instead; pushing it again replaces the file.
        return blob.Length == size ? blob : throw new RegistryException(
            RegistryErrorCode.BlobUnknown,
            $"blob {digest} in repository {repository} is damaged in storage ({blob.Length} bytes, {size} expected): push it again",
            ErrorDetail.Of("digest", digest.ToString()));
    }

    /// <summary>
    /// Makes a blob of <paramref name="from"/> visible in <paramref name="repository"/> without copying it.
    /// False when <paramref name="from"/> does not have it: the client then uploads it.
    /// </summary>
    public async Task<long?> TryMountAsync(string repository, Digest digest, string from, CancellationToken cancellationToken)
    {
        var size = await metadata.GetBlobLinkAsync(from, digest, cancellationToken).ConfigureAwait(false);
        if (size is null || await blobs.GetSizeAsync(digest, cancellationToken).ConfigureAwait(false) is null)
        {
            return null;
        }

        await metadata.LinkBlobAsync(repository, digest, size.Value, cancellationToken).ConfigureAwait(false);
        return size;
    }

    /// <summary>
    /// Removes the blob from the repository. The bytes stay until garbage collection, since other
    /// repositories may share them.
    /// </summary>
    public async Task DeleteAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        DeletePolicy.EnsureEnabled(options);
        if (!await metadata.UnlinkBlobAsync(repository, digest, cancellationToken).ConfigureAwait(false))
        {
            throw BlobUnknown(repository, digest);
        }
    }

    private static RegistryException BlobUnknown(string repository, Digest digest) =>
        new(RegistryErrorCode.BlobUnknown, $"blob {digest} is not in repository {repository}", ErrorDetail.Of("digest", digest.ToString()));
}
