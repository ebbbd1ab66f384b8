using Hyper.Oci;

namespace Hyper.Registry.Storage;

/// <summary>
/// Where blob bytes live: content-addressed, shared by every repository (a blob pushed to two
/// repositories is stored once), plus the in-progress data of uploads. Thin on purpose, like
/// Distribution's storage drivers: the rules of the spec (which repository may see which blob,
/// digests, sessions) live above it, so a new backend (S3) implements only bytes in and out.
/// Every implementation must pass the shared test suite in tests/Hyper.Registry.Tests/Storage.
/// </summary>
public interface IBlobStore
{
    /// <summary>Size of a stored blob, or null when it is not stored.</summary>
    ValueTask<long?> GetSizeAsync(Digest digest, CancellationToken cancellationToken);

    /// <summary>Opens a stored blob for reading, or null when it is not stored.</summary>
    ValueTask<StoredBlob?> OpenAsync(Digest digest, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="content"/> as <paramref name="digest"/> after checking it: the bytes become
    /// visible only complete and verified. Throws <see cref="DigestMismatchException"/> (storing nothing)
    /// when they do not match. A blob already stored under the digest is replaced by the verified bytes, which
    /// repairs one damaged in storage.
    /// </summary>
    Task<long> PutAsync(Digest digest, Stream content, CancellationToken cancellationToken);

    /// <summary>Removes a stored blob; false when it was not there.</summary>
    Task<bool> DeleteAsync(Digest digest, CancellationToken cancellationToken);

    /// <summary>Creates the empty data of a new upload.</summary>
    Task CreateUploadAsync(string uploadId, CancellationToken cancellationToken);

    /// <summary>Bytes received so far by an upload, or null when there is no such upload.</summary>
    ValueTask<long?> GetUploadSizeAsync(string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends everything in <paramref name="data"/> to an upload, which must be exactly
    /// <paramref name="offset"/> bytes long (else <see cref="UploadOffsetMismatchException"/>), and
    /// returns the new length. When the data stream fails midway, the upload keeps what was written
    /// so the client can resume from the length it is told.
    /// </summary>
    Task<long> AppendUploadAsync(string uploadId, long offset, Stream data, CancellationToken cancellationToken);

    /// <summary>Reads an upload's data from the start, e.g. to hash it when no running hash is at hand.</summary>
    Task<Stream> OpenUploadAsync(string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a finished upload into place as <paramref name="digest"/>. The caller has verified the
    /// digest; the move is atomic, so a reader sees the whole blob or none of it. A blob already stored under
    /// the digest is replaced, which repairs one damaged in storage.
    /// </summary>
    Task CommitUploadAsync(string uploadId, Digest digest, CancellationToken cancellationToken);

    /// <summary>Removes an upload's data; nothing happens when there is none.</summary>
    Task DeleteUploadAsync(string uploadId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes what writers that died (a killed process, a lost client) left behind, without touching what
    /// live writers of any process hold; returns how many items went. Run at every upload purging interval.
    /// </summary>
    Task<int> RemoveAbandonedWritesAsync(CancellationToken cancellationToken);
}
