using System.Net;
using System.Net.Http.Headers;

using Hyper.Oci;

namespace Hyper.Distribution.Registry;

/// <summary>The calls that write: blob existence, cross-repository mounts, blob uploads and manifest PUTs.</summary>
/// <remarks>
/// Every upload starts with a body-less request carrying the push scope (the HEAD or the POST that opens the
/// session), so the registry's challenge is usually answered before content is sent. Bodies can be sent again all
/// the same (a registry may hand the session to another host that challenges for its own credentials): chunks
/// reopen their source at the chunk's offset.
/// </remarks>
public sealed partial class RegistryClient
{
    private const string OctetStream = "application/octet-stream";

    /// <summary>True when the repository of <paramref name="repository"/> already has <paramref name="blob"/> (HEAD).</summary>
    public async Task<bool> BlobExistsAsync(Reference repository, Descriptor blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(blob);
        var endpoint = GetEndpoint(repository.Registry);
        var uri = endpoint.ApiUri(repository.Repository, "blobs", blob.Digest.ToString());
        try
        {
            using var response = await SendAsync(
                () => NewRequest(HttpMethod.Head, endpoint, repository, uri, PushScope(repository)),
                endpoint, $"blob {blob.Digest} in {repository.Name}", RegistryErrorCodes.BlobUnknown, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RegistryClientException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>
    /// Asks the registry to link <paramref name="blob"/> from <paramref name="source"/> (another repository of the
    /// same registry) into <paramref name="repository"/> without uploading it. False when the registry offered an
    /// upload instead (202: it does not mount, or the source lacks the blob) or refused access to the source; the
    /// blob must then be uploaded.
    /// </summary>
    public async Task<bool> MountBlobAsync(Reference repository, Descriptor blob, Reference source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(source);
        if (!string.Equals(source.Registry, repository.Registry, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"a blob can only be mounted from the same registry; {source.Registry} is not {repository.Registry}", nameof(source));
        }

        var endpoint = GetEndpoint(repository.Registry);
        var uri = new Uri(
            endpoint.BaseAddress,
            $"v2/{repository.Repository}/blobs/uploads/?mount={Uri.EscapeDataString(blob.Digest.ToString())}&from={Uri.EscapeDataString(source.Repository)}");
        // One token for both ends: a token server grants the mount only with pull on the source repository.
        var scope = $"{PushScope(repository)} repository:{source.Repository}:pull";
        HttpResponseMessage response;
        try
        {
            response = await SendAsync(
                () => NewRequest(HttpMethod.Post, endpoint, repository, uri, scope),
                endpoint, $"mount of blob {blob.Digest} from {source.Repository} into {repository.Name}", RegistryErrorCodes.NameUnknown, cancellationToken).ConfigureAwait(false);
        }
        catch (RegistryClientException e) when (e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            return false;
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.Created)
            {
                return true;
            }

            // 202: the registry opened an ordinary upload session instead. The upload opens its own, so this
            // one is cancelled rather than left for the registry to purge; failing to is harmless.
            if (response.Headers.Location is { } location)
            {
                try
                {
                    using var cancel = NewRequest(HttpMethod.Delete, endpoint, repository, new Uri(uri, location), PushScope(repository));
                    using var cancelled = await SendOnceAsync(cancel, endpoint, "upload session", null, cancellationToken).ConfigureAwait(false);
                }
                catch (RegistryClientException)
                {
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Uploads <paramref name="blob"/> to the repository of <paramref name="repository"/>: in one PUT when it is at
    /// most <see cref="RegistryClientOptions.UploadChunkSize"/>, else in chunks (PATCH with <c>Content-Range</c>).
    /// Transient failures are retried; a broken chunked upload resumes from the offset the registry reports
    /// (<c>GET</c> on the upload URL), and starts over only when the registry has lost the session.
    /// </summary>
    /// <param name="repository">Where to; its tag and digest are ignored.</param>
    /// <param name="blob">What is uploaded; the registry checks the digest when the upload is completed.</param>
    /// <param name="openContent">Opens the blob's content from a byte offset (0 for all of it); called again after a break.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    public async Task UploadBlobAsync(
        Reference repository, Descriptor blob, Func<long, CancellationToken, Task<Stream>> openContent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(openContent);
        var upload = new BlobUpload(repository, GetEndpoint(repository.Registry), blob, openContent);
        var chunked = blob.Size > _options.UploadChunkSize;
        await _retry.ExecuteAsync(
            static (state, token) => new ValueTask(state.Chunked
                ? state.Client.UploadInChunksAsync(state.Upload, token)
                : state.Client.UploadWholeAsync(state.Upload, token)),
            (Client: this, Upload: upload, Chunked: chunked),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores <paramref name="manifest"/> under the tag or digest of <paramref name="reference"/>, with its media
    /// type, and checks the <c>Docker-Content-Digest</c> the registry answers. Everything the manifest names must
    /// already be in the repository. Returns the descriptor of the stored manifest.
    /// </summary>
    /// <remarks>
    /// The manifest is a body, so the auth challenge must have been answered by an earlier request of the push
    /// (a blob HEAD or upload does that).
    /// </remarks>
    public async Task<Descriptor> PutManifestAsync(Reference reference, Manifest manifest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(manifest);
        if (reference.Digest is { } named && manifest.ComputeDigest(named.Algorithm) != named)
        {
            throw new ArgumentException($"{reference} names another manifest than the one given ({manifest.Digest})", nameof(reference));
        }

        var endpoint = GetEndpoint(reference.Registry);
        var target = reference.Digest?.ToString() ?? reference.Tag ?? Reference.DefaultTag;
        var uri = endpoint.ApiUri(reference.Repository, "manifests", target);
        var bytes = manifest.Bytes.ToArray();
        using var response = await SendAsync(
            () =>
            {
                var request = NewRequest(HttpMethod.Put, endpoint, reference, uri, PushScope(reference));
                request.Content = new ByteArrayContent(bytes);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(manifest.MediaType);
                return request;
            },
            endpoint, $"manifest {reference}", RegistryErrorCodes.NameUnknown, cancellationToken).ConfigureAwait(false);

        if (ContentDigestOf(response) is { } announced && manifest.ComputeDigest(announced.Algorithm) != announced)
        {
            throw new RegistryClientException(
                $"manifest {reference}: the registry stored {announced} (Docker-Content-Digest), but the manifest sent is {manifest.Digest}: it changed the content",
                RegistryErrorCodes.InvalidResponse, response.StatusCode);
        }

        return manifest.ToDescriptor();
    }

    private static string PushScope(Reference repository) => $"repository:{repository.Repository}:pull,push";

    /// <summary>One try of a small blob: a new session (body-less POST, which answers the auth challenge) and one PUT with all of it.</summary>
    private async Task UploadWholeAsync(BlobUpload upload, CancellationToken cancellationToken)
    {
        var location = await StartUploadOnceAsync(upload, cancellationToken).ConfigureAwait(false);
        var content = await upload.OpenContent(0, cancellationToken).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
        {
            var body = new StreamSliceContent(content, upload.Blob.Size, token => upload.OpenContent(0, token));
            await CompleteUploadOnceAsync(upload, location, body, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One try of a large blob: the session is kept across tries, and after a failure the registry is asked how
    /// much it has, so the next chunk starts there.
    /// </summary>
    private async Task UploadInChunksAsync(BlobUpload upload, CancellationToken cancellationToken)
    {
        if (upload.Location is { } previous && upload.Interrupted)
        {
            var kept = await GetUploadedLengthOnceAsync(upload, previous, cancellationToken).ConfigureAwait(false);
            if (kept is null)
            {
                // The session is gone: finished just before the connection broke, or lost by the registry.
                if (await BlobExistsOnceAsync(upload, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                upload.Location = null;
            }
            else
            {
                upload.Offset = kept.Value;
            }
        }

        if (upload.Location is null)
        {
            upload.Location = await StartUploadOnceAsync(upload, cancellationToken).ConfigureAwait(false);
            upload.Offset = 0;
        }

        upload.Interrupted = true;
        var size = upload.Blob.Size;
        var content = await upload.OpenContent(upload.Offset, cancellationToken).ConfigureAwait(false);
        try
        {
            while (upload.Offset < size)
            {
                var length = Math.Min(_options.UploadChunkSize, size - upload.Offset);
                var offset = upload.Offset;
                using var request = NewRequest(HttpMethod.Patch, upload.Endpoint, upload.Repository, upload.Location, PushScope(upload.Repository));
                var chunk = new StreamSliceContent(content, length, token => upload.OpenContent(offset, token));
                request.Content = chunk;
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
                request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{upload.Offset}-{upload.Offset + length - 1}");
                using var response = await SendOnceAsync(request, upload.Endpoint, upload.Subject, RegistryErrorCodes.BlobUploadUnknown, cancellationToken).ConfigureAwait(false);
                upload.Location = LocationOf(response, upload.Location);
                var expected = upload.Offset + length;
                var stored = UploadedLengthOf(response, emptyWhenZero: false) ?? expected;
                upload.Offset = stored;
                if (stored != expected || chunk.WasResent)
                {
                    // The registry kept another amount than was sent, or the chunk went again from a stream of its
                    // own and left this one part-way: carry on from what the registry has.
                    await content.DisposeAsync().ConfigureAwait(false);
                    content = await upload.OpenContent(stored, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await content.DisposeAsync().ConfigureAwait(false);
        }

        await CompleteUploadOnceAsync(upload, upload.Location, null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Uri> StartUploadOnceAsync(BlobUpload upload, CancellationToken cancellationToken)
    {
        var uri = new Uri(upload.Endpoint.BaseAddress, $"v2/{upload.Repository.Repository}/blobs/uploads/");
        using var request = NewRequest(HttpMethod.Post, upload.Endpoint, upload.Repository, uri, PushScope(upload.Repository));
        using var response = await SendOnceAsync(request, upload.Endpoint, upload.Subject, RegistryErrorCodes.NameUnknown, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.Accepted && response.Headers.Location is not null
            ? LocationOf(response, uri)
            : throw new RegistryClientException(
                $"{upload.Subject}: the registry answered {(int)response.StatusCode} without an upload location to starting an upload",
                RegistryErrorCodes.InvalidResponse, response.StatusCode);
    }

    /// <summary>The PUT that ends a session, with the last (or only) bytes as its body.</summary>
    private async Task CompleteUploadOnceAsync(BlobUpload upload, Uri location, HttpContent? content, CancellationToken cancellationToken)
    {
        var query = $"digest={Uri.EscapeDataString(upload.Blob.Digest.ToString())}";
        var uri = new UriBuilder(location) { Query = location.Query.Length > 1 ? $"{location.Query[1..]}&{query}" : query }.Uri;
        using var request = NewRequest(HttpMethod.Put, upload.Endpoint, upload.Repository, uri, PushScope(upload.Repository));
        if (content is not null)
        {
            request.Content = content;
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
        }

        using var response = await SendOnceAsync(request, upload.Endpoint, upload.Subject, RegistryErrorCodes.BlobUploadUnknown, cancellationToken).ConfigureAwait(false);
        if (ContentDigestOf(response) is { } stored && stored != upload.Blob.Digest)
        {
            throw new RegistryClientException(
                $"{upload.Subject}: the registry stored {stored}, not the digest uploaded",
                RegistryErrorCodes.InvalidResponse, response.StatusCode);
        }
    }

    /// <summary>How many bytes the registry holds of the session, or null when it no longer knows the session.</summary>
    private async Task<long?> GetUploadedLengthOnceAsync(BlobUpload upload, Uri location, CancellationToken cancellationToken)
    {
        using var request = NewRequest(HttpMethod.Get, upload.Endpoint, upload.Repository, location, PushScope(upload.Repository));
        try
        {
            using var response = await SendOnceAsync(request, upload.Endpoint, upload.Subject, RegistryErrorCodes.BlobUploadUnknown, cancellationToken).ConfigureAwait(false);
            upload.Location = LocationOf(response, location);
            return UploadedLengthOf(response, emptyWhenZero: true) ?? 0;
        }
        catch (RegistryClientException e) when (!TransientFailureRetry.IsTransient(e, cancellationToken))
        {
            // 404 for a finished or purged session; Distribution answers 400 when the session's state no longer
            // matches what it stored (a chunk broken half-way). Either way it cannot be resumed.
            return null;
        }
    }

    private async Task<bool> BlobExistsOnceAsync(BlobUpload upload, CancellationToken cancellationToken)
    {
        var uri = upload.Endpoint.ApiUri(upload.Repository.Repository, "blobs", upload.Blob.Digest.ToString());
        using var request = NewRequest(HttpMethod.Head, upload.Endpoint, upload.Repository, uri, PushScope(upload.Repository));
        try
        {
            using var response = await SendOnceAsync(request, upload.Endpoint, upload.Subject, RegistryErrorCodes.BlobUnknown, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RegistryClientException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Where the session continues: registries may change the URL with every answer (Distribution keeps state in it).</summary>
    private static Uri LocationOf(HttpResponseMessage response, Uri current) =>
        response.Headers.Location is { } location ? new Uri(current, location) : current;

    /// <summary>
    /// The bytes a session holds, from <c>Range: 0-&lt;last&gt;</c>. Registries write an empty session as
    /// <c>0-0</c> too, so on a status query (<paramref name="emptyWhenZero"/>) that means none.
    /// </summary>
    private static long? UploadedLengthOf(HttpResponseMessage response, bool emptyWhenZero)
    {
        if (!response.Headers.TryGetValues("Range", out var values))
        {
            return null;
        }

        var text = values.FirstOrDefault() ?? string.Empty;
        if (text.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            text = text[6..];
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0 || !long.TryParse(text.AsSpan(dash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var last))
        {
            return null;
        }

        return last == 0 && emptyWhenZero ? 0 : last + 1;
    }

    /// <summary>The state of one blob upload across tries.</summary>
    private sealed class BlobUpload(Reference repository, RegistryEndpoint endpoint, Descriptor blob, Func<long, CancellationToken, Task<Stream>> openContent)
    {
        public Reference Repository { get; } = repository;

        public RegistryEndpoint Endpoint { get; } = endpoint;

        public Descriptor Blob { get; } = blob;

        public Func<long, CancellationToken, Task<Stream>> OpenContent { get; } = openContent;

        public string Subject => $"upload of blob {Blob.Digest} to {Repository.Name}";

        /// <summary>The session's URL, once opened.</summary>
        public Uri? Location { get; set; }

        /// <summary>Bytes the registry holds.</summary>
        public long Offset { get; set; }

        /// <summary>True once a try has sent content: the next try asks the registry where it stands.</summary>
        public bool Interrupted { get; set; }
    }
}
