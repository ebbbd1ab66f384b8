using System.Collections.Concurrent;
using System.Net;

using Hyper.Oci;
using Hyper.Registry.Metadata;
using Hyper.Registry.Storage;

namespace Hyper.Registry.Core;

/// <summary>
/// Upload sessions (distribution-spec "Pushing blobs"): monolithic, chunked and streamed uploads,
/// resumption from the size the registry reports, and expiry of abandoned sessions.
/// </summary>
/// <remarks>
/// Each session keeps a running hash in memory while its chunks arrive in order, so finishing a
/// 512 MiB upload does not read it back. When the hash is missing or out of step (a restart, another
/// replica took a chunk, a chunk failed midway) the data is hashed from storage instead.
/// </remarks>
public sealed class BlobUploads(IBlobStore blobs, IMetadataStore metadata, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, UploadState> _states = new(StringComparer.Ordinal);

    /// <summary>Opens a session for <paramref name="repository"/> hashing with <paramref name="digestAlgorithm"/>.</summary>
    public async Task<UploadRecord> StartAsync(string repository, string digestAlgorithm, CancellationToken cancellationToken)
    {
        if (!Digest.IsSupportedAlgorithm(digestAlgorithm))
        {
            throw new RegistryException(RegistryErrorCode.DigestInvalid, $"digest algorithm '{digestAlgorithm}' is not supported: use sha256 or sha512");
        }

        var now = clock.GetUtcNow();
        var upload = new UploadRecord(Guid.NewGuid().ToString("D"), repository, now, now, digestAlgorithm);
        await blobs.CreateUploadAsync(upload.Id, cancellationToken).ConfigureAwait(false);
        await metadata.CreateUploadAsync(upload, cancellationToken).ConfigureAwait(false);
        return upload;
    }

    /// <summary>Stores a whole blob sent in one request (POST or PUT with <c>?digest=</c>) and links it.</summary>
    public async Task<long> PutMonolithicAsync(string repository, Digest digest, Stream content, long? contentLength, CancellationToken cancellationToken)
    {
        long size;
        try
        {
            size = await blobs.PutAsync(digest, content, cancellationToken).ConfigureAwait(false);
        }
        catch (DigestMismatchException e)
        {
            throw DigestInvalid(digest, e.Message);
        }

        if (contentLength is { } expected && expected != size)
        {
            throw new RegistryException(RegistryErrorCode.SizeInvalid, $"Content-Length was {expected} but {size} bytes arrived");
        }

        await metadata.LinkBlobAsync(repository, digest, size, cancellationToken).ConfigureAwait(false);
        return size;
    }

    /// <summary>
    /// Appends a chunk. With <paramref name="rangeStart"/> (from Content-Range) the chunk must start at the
    /// current size, else 416; without it the data is appended wherever the upload is.
    /// </summary>
    public async Task<long> AppendAsync(string repository, string uploadId, Stream content, long? rangeStart, long? rangeEnd, CancellationToken cancellationToken)
    {
        var upload = await GetAsync(repository, uploadId, cancellationToken).ConfigureAwait(false);
        var state = await EnterAsync(uploadId, cancellationToken).ConfigureAwait(false);
        try
        {
            // Touched as the request starts, not only when it ends: a chunk that takes longer than the purge
            // age to arrive must not make its upload look abandoned.
            await metadata.TouchUploadAsync(uploadId, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            var size = await blobs.GetUploadSizeAsync(uploadId, cancellationToken).ConfigureAwait(false)
                ?? throw UploadUnknown(uploadId);
            var offset = rangeStart ?? size;
            if (offset != size || (rangeEnd is { } end && end < offset))
            {
                throw RangeInvalid(uploadId, size, $"chunk starts at {offset} but the upload has {size} bytes: send the chunk that starts at {size}");
            }

            var newSize = await AppendHashedAsync(upload, state, size, content, cancellationToken).ConfigureAwait(false);
            if (rangeEnd is { } last && newSize != last + 1)
            {
                // The bytes are kept: the client learns the real size from Range and resumes from there.
                throw new RegistryException(
                    RegistryErrorCode.SizeInvalid,
                    $"Content-Range ended at {last} but the upload now ends at {newSize - 1}")
                { Headers = RangeHeaders(uploadId, newSize) };
            }

            await metadata.TouchUploadAsync(uploadId, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return newSize;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>How many bytes the session has, for <c>GET</c> on the upload URL.</summary>
    public async Task<long> GetSizeAsync(string repository, string uploadId, CancellationToken cancellationToken)
    {
        _ = await GetAsync(repository, uploadId, cancellationToken).ConfigureAwait(false);
        return await blobs.GetUploadSizeAsync(uploadId, cancellationToken).ConfigureAwait(false) ?? throw UploadUnknown(uploadId);
    }

    /// <summary>
    /// Finishes a session: appends the last chunk, if any, checks the whole content against
    /// <paramref name="digest"/>, and moves it into place. A wrong digest ends the session (DIGEST_INVALID).
    /// </summary>
    public async Task<long> CompleteAsync(string repository, string uploadId, Digest digest, Stream content, long? rangeStart, CancellationToken cancellationToken)
    {
        var upload = await GetAsync(repository, uploadId, cancellationToken).ConfigureAwait(false);
        var state = await EnterAsync(uploadId, cancellationToken).ConfigureAwait(false);
        try
        {
            await metadata.TouchUploadAsync(uploadId, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            var size = await blobs.GetUploadSizeAsync(uploadId, cancellationToken).ConfigureAwait(false)
                ?? throw UploadUnknown(uploadId);
            if (rangeStart is { } start && start != size)
            {
                throw RangeInvalid(uploadId, size, $"last chunk starts at {start} but the upload has {size} bytes");
            }

            size = await AppendHashedAsync(upload, state, size, content, cancellationToken).ConfigureAwait(false);
            var actual = state.Hasher is { } hasher && hasher.Length == size && hasher.Algorithm == digest.Algorithm
                ? hasher.GetDigest()
                : await HashStoredAsync(uploadId, digest.Algorithm, cancellationToken).ConfigureAwait(false);
            if (actual != digest)
            {
                await ForgetAsync(uploadId, cancellationToken).ConfigureAwait(false);
                throw DigestInvalid(digest, $"upload content has digest {actual}, not {digest}; the upload was discarded, push the blob again");
            }

            // Committed even when the blob is stored already: the stored file may be the one damaged (a
            // short file after a power cut), which is why the client pushes again.
            try
            {
                await blobs.CommitUploadAsync(uploadId, digest, cancellationToken).ConfigureAwait(false);
            }
            catch (FileNotFoundException)
            {
                // Removed under this request, e.g. by another replica's purging.
                throw UploadUnknown(uploadId);
            }

            await metadata.LinkBlobAsync(repository, digest, size, cancellationToken).ConfigureAwait(false);
            await ForgetAsync(uploadId, cancellationToken).ConfigureAwait(false);
            return size;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Cancels a session and drops its data.</summary>
    public async Task CancelAsync(string repository, string uploadId, CancellationToken cancellationToken)
    {
        _ = await GetAsync(repository, uploadId, cancellationToken).ConfigureAwait(false);
        await ForgetAsync(uploadId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes sessions untouched since <paramref name="cutoff"/>; returns how many.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var expired = await metadata.ListUploadsTouchedBeforeAsync(cutoff, cancellationToken).ConfigureAwait(false);
        var purged = 0;
        foreach (var upload in expired)
        {
            // An upload a request is using is not abandoned, however old its last touch: removing it would
            // dispose the running hash and the data under that request.
            var state = _states.GetOrAdd(upload.Id, _ => new UploadState());
            if (!state.Gate.Wait(0))
            {
                continue;
            }

            try
            {
                // A request may have finished, and touched the upload, since the list was read.
                if (await metadata.GetUploadAsync(upload.Repository, upload.Id, cancellationToken).ConfigureAwait(false) is { } current
                    && current.Touched < cutoff)
                {
                    await ForgetAsync(upload.Id, cancellationToken).ConfigureAwait(false);
                    purged++;
                }
            }
            finally
            {
                state.Gate.Release();
            }
        }

        return purged;
    }

    /// <summary>The <c>Range</c> and <c>Docker-Upload-UUID</c> headers that tell a client where an upload stands.</summary>
    public static Dictionary<string, string> RangeHeaders(string uploadId, long size) => new()
    {
        // An empty upload is reported as 0-0, as Distribution does; clients read it as "start at 0".
        ["Range"] = $"0-{Math.Max(0, size - 1)}",
        ["Docker-Upload-UUID"] = uploadId,
    };

    /// <summary>
    /// Takes the upload's gate without waiting. A second request for a busy upload is answered at once: its
    /// offset is stale by the time the first finishes, and queueing it lets one client that trickles its
    /// body hold every other request for the upload (and a connection each) for as long as it likes.
    /// The 416 with the current Range is what the spec has a client recover from.
    /// </summary>
    private async Task<UploadState> EnterAsync(string uploadId, CancellationToken cancellationToken)
    {
        var state = _states.GetOrAdd(uploadId, _ => new UploadState());
        if (state.Gate.Wait(0))
        {
            return state;
        }

        var size = await blobs.GetUploadSizeAsync(uploadId, cancellationToken).ConfigureAwait(false) ?? throw UploadUnknown(uploadId);
        throw RangeInvalid(
            uploadId,
            size,
            $"upload {uploadId} is in use by another request ({size} bytes so far); ask for the upload's status and send the next chunk from the length it reports");
    }

    /// <summary>Appends, answering the blob store's refusals as the spec's errors.</summary>
    private async Task<long> AppendHashedAsync(UploadRecord upload, UploadState state, long size, Stream content, CancellationToken cancellationToken)
    {
        try
        {
            return await AppendHashedToStoreAsync(upload, state, size, content, cancellationToken).ConfigureAwait(false);
        }
        catch (UploadOffsetMismatchException e)
        {
            // Another process appended, or holds the upload: the client resumes from the length it is told.
            throw RangeInvalid(upload.Id, e.CurrentLength, e.Message);
        }
        catch (FileNotFoundException)
        {
            throw UploadUnknown(upload.Id);
        }
    }

    private async Task<long> AppendHashedToStoreAsync(UploadRecord upload, UploadState state, long size, Stream content, CancellationToken cancellationToken)
    {
        if (size == 0 && state.Hasher is null)
        {
            state.Hasher = new DigestHasher(upload.DigestAlgorithm);
        }

        if (state.Hasher is { } hasher && hasher.Length == size)
        {
            try
            {
                return await blobs.AppendUploadAsync(upload.Id, size, new HashingReadStream(content, hasher), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // Bytes read but perhaps not written: the running hash can no longer be trusted.
                state.Hasher = null;
                hasher.Dispose();
                throw;
            }
        }

        return await blobs.AppendUploadAsync(upload.Id, size, content, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Digest> HashStoredAsync(string uploadId, string algorithm, CancellationToken cancellationToken)
    {
        Stream stream;
        try
        {
            stream = await blobs.OpenUploadAsync(uploadId, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            throw UploadUnknown(uploadId);
        }

        await using (stream.ConfigureAwait(false))
        {
            return await Digest.ComputeAsync(stream, algorithm, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ForgetAsync(string uploadId, CancellationToken cancellationToken)
    {
        if (_states.TryRemove(uploadId, out var state))
        {
            state.Hasher?.Dispose();
        }

        await blobs.DeleteUploadAsync(uploadId, cancellationToken).ConfigureAwait(false);
        await metadata.DeleteUploadAsync(uploadId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<UploadRecord> GetAsync(string repository, string uploadId, CancellationToken cancellationToken) =>
        await metadata.GetUploadAsync(repository, uploadId, cancellationToken).ConfigureAwait(false) ?? throw UploadUnknown(uploadId);

    private static RegistryException UploadUnknown(string uploadId) =>
        new(RegistryErrorCode.BlobUploadUnknown, $"upload {uploadId} is unknown: it finished, was cancelled or expired; start a new one");

    private static RegistryException RangeInvalid(string uploadId, long size, string message) =>
        new(RegistryErrorCode.BlobUploadInvalid.WithStatus(HttpStatusCode.RequestedRangeNotSatisfiable), message)
        {
            Headers = RangeHeaders(uploadId, size),
        };

    private static RegistryException DigestInvalid(Digest digest, string message) =>
        new(RegistryErrorCode.DigestInvalid, message, ErrorDetail.Of("digest", digest.ToString()));

    /// <summary>Per-session state of this process: a gate so chunks of one session do not interleave, and the running hash.</summary>
    private sealed class UploadState
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public DigestHasher? Hasher { get; set; }
    }
}
