using System.Net;
using System.Net.Http.Headers;

using Hyper.Distribution.Registry.Auth;
using Hyper.Distribution.Registry.Transport;
using Hyper.Oci;

using Polly;

namespace Hyper.Distribution.Registry;

/// <summary>
/// The calls of the OCI Distribution API (Docker Registry HTTP API v2): manifests by tag or digest, blobs as
/// verified streams that resume after a broken connection, and uploads (see <c>RegistryClient.Uploads.cs</c>).
/// One client serves any number of registries over one pooled connection handler; auth challenges are answered
/// underneath (see <see cref="RegistryClientOptions.Credentials"/>), transient failures are retried with
/// backoff (see <see cref="RegistryClientOptions.MaxRetries"/>), and a registry that goes silent is given up on
/// (see <see cref="RegistryClientOptions.ReadTimeout"/>).
/// Every failure is a <see cref="RegistryClientException"/> whose message a user can act on.
/// </summary>
public sealed partial class RegistryClient : IDisposable
{
    /// <summary>Every manifest type this client understands, offered so that no registry converts or refuses.</summary>
    private static readonly string[] ManifestMediaTypes =
        [MediaTypes.OciManifest, MediaTypes.OciIndex, MediaTypes.DockerManifest, MediaTypes.DockerManifestList];

    private readonly HttpClient _http;
    private readonly RegistryClientOptions _options;
    private readonly ResiliencePipeline _retry;

    public RegistryClient(RegistryClientOptions? options = null)
    {
        _options = options ?? new RegistryClientOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.UploadChunkSize, 1, nameof(options));
        _retry = TransientFailureRetry.Create(_options);
        var transport = new ReadTimeoutHandler(_options.ReadTimeout) { InnerHandler = new RegistryTransportHandler(_options) };
        _http = new HttpClient(new RegistryAuthenticationHandler(_options.Credentials) { InnerHandler = transport })
        {
            // Blobs take as long as they take: connection set-up has its own limit, a silent registry the read
            // timeout (an idle one), and callers cancel.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(_options.UserAgent);
    }

    /// <summary>Where <paramref name="registry"/> (as a reference names it) is reached, with this client's insecure registries.</summary>
    public RegistryEndpoint GetEndpoint(string registry) => RegistryEndpoint.Resolve(registry, _options.InsecureRegistries, _options.HttpsRegistries);

    /// <summary>
    /// Asks <c>/v2/</c> of <paramref name="registry"/> with this client's credentials, answering its
    /// challenge as every call does, as <c>docker login</c> checks them: returns when the registry lets
    /// them in, else throws <see cref="RegistryClientException"/> (<see cref="RegistryErrorCodes.Unauthorized"/>
    /// for refused credentials).
    /// </summary>
    public async Task VerifyAccessAsync(string registry, CancellationToken cancellationToken)
    {
        var endpoint = GetEndpoint(registry);
        HttpRequestMessage NewRequest()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri(endpoint.BaseAddress, "v2/"));
            request.Options.Set(RegistryAuthenticationHandler.EndpointOption, endpoint);
            return request;
        }

        using var response = await SendAsync(NewRequest, endpoint, registry, RegistryErrorCodes.NameUnknown, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The manifest <paramref name="reference"/> names (by digest when it has one, else by tag), with its
    /// exact bytes. The bytes are checked against the digest asked for and against the
    /// <c>Docker-Content-Digest</c> the registry sent, and refused over <see cref="RegistryClientOptions.MaxManifestSize"/>.
    /// </summary>
    public async Task<Manifest> GetManifestAsync(Reference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return await _retry.ExecuteAsync(
            static (state, token) => new ValueTask<Manifest>(state.Client.GetManifestOnceAsync(state.Reference, token)),
            (Client: this, Reference: reference),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What <paramref name="reference"/> points at (media type, digest, size) without fetching it, or
    /// null when the registry has no such manifest. The digest comes from <c>Docker-Content-Digest</c>;
    /// a registry that leaves it out on a tag is asked for the manifest itself.
    /// </summary>
    public async Task<Descriptor?> HeadManifestAsync(Reference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        Digest? digest;
        string? mediaType;
        long? size;
        try
        {
            using var response = await SendManifestRequestAsync(HttpMethod.Head, reference, cancellationToken).ConfigureAwait(false);
            digest = reference.Digest ?? ContentDigestOf(response);
            mediaType = response.Content.Headers.ContentType?.MediaType;
            size = response.Content.Headers.ContentLength;
        }
        catch (RegistryClientException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (digest is null || mediaType is null || size is null)
        {
            return (await GetManifestAsync(reference, cancellationToken).ConfigureAwait(false)).ToDescriptor();
        }

        return new Descriptor { MediaType = mediaType, Digest = digest.Value, Size = size.Value };
    }

    private async Task<Manifest> GetManifestOnceAsync(Reference reference, CancellationToken cancellationToken)
    {
        using var response = await SendManifestRequestOnceAsync(HttpMethod.Get, reference, cancellationToken).ConfigureAwait(false);
        var limit = _options.MaxManifestSize;
        var bytes = await RegistryResponses.ReadLimitedAsync(response.Content, limit, cancellationToken).ConfigureAwait(false)
            ?? throw new RegistryClientException(
                $"manifest {reference} is larger than {limit} bytes, the most a manifest may have; the registry is sending something else",
                RegistryErrorCodes.InvalidResponse, response.StatusCode);

        if (reference.Digest is { } asked && Digest.Compute(bytes, asked.Algorithm) is var actual && actual != asked)
        {
            throw new RegistryClientException(
                $"manifest {reference} from the registry hashes to {actual}, not the digest asked for: the registry sent other content",
                RegistryErrorCodes.InvalidResponse, response.StatusCode);
        }

        if (ContentDigestOf(response) is { } announced && Digest.Compute(bytes, announced.Algorithm) is var computed && computed != announced)
        {
            throw new RegistryClientException(
                $"manifest {reference} hashes to {computed}, but the registry announced {announced} (Docker-Content-Digest): the content was changed on the way",
                RegistryErrorCodes.InvalidResponse, response.StatusCode);
        }

        try
        {
            return Manifest.Parse(bytes, response.Content.Headers.ContentType?.MediaType);
        }
        catch (InvalidOciDocumentException e)
        {
            throw new RegistryClientException($"manifest {reference} from the registry is not valid: {e.Message}", RegistryErrorCodes.InvalidResponse, response.StatusCode, e);
        }
    }

    /// <summary>
    /// The blob <paramref name="blob"/> describes, from the repository of <paramref name="repository"/>
    /// (its tag and digest are ignored), as a stream that must be read to the end: the last read throws
    /// <see cref="DigestMismatchException"/> if the content does not match the descriptor's digest and size.
    /// Redirects (to a storage service, say) are followed.
    /// </summary>
    public async Task<Stream> GetBlobAsync(Reference repository, Descriptor blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(blob);
        var first = await OpenBlobAsync(repository, blob, 0, cancellationToken).ConfigureAwait(false);
        // The hash is taken over what the resuming stream hands out, so bytes from before a break count too.
        var content = new ResumingReadStream(first, (offset, token) => OpenBlobAsync(repository, blob, offset, token), _retry);
        return new VerifyingReadStream(content, blob.Digest, blob.Size, $"blob {blob.Digest} in {repository.Name} (from {repository.Registry})");
    }

    /// <summary>The blob's content from <paramref name="offset"/> on, asked for with <c>Range</c> when not from the start; retried.</summary>
    private async Task<Stream> OpenBlobAsync(Reference repository, Descriptor blob, long offset, CancellationToken cancellationToken)
    {
        var subject = $"blob {blob.Digest} in {repository.Name}";
        var endpoint = GetEndpoint(repository.Registry);
        var uri = endpoint.ApiUri(repository.Repository, "blobs", blob.Digest.ToString());
        var response = await SendAsync(
            () =>
            {
                var request = NewRequest(HttpMethod.Get, endpoint, repository, uri);
                if (offset > 0)
                {
                    request.Headers.Range = new RangeHeaderValue(offset, null);
                }

                return request;
            },
            endpoint,
            subject,
            RegistryErrorCodes.BlobUnknown,
            cancellationToken).ConfigureAwait(false);
        try
        {
            var partial = response.StatusCode == HttpStatusCode.PartialContent;
            var expectedLength = partial ? blob.Size - offset : blob.Size;
            if (partial && response.Content.Headers.ContentRange?.From is { } from && from != offset)
            {
                throw new RegistryClientException(
                    $"{subject}: asked to resume at byte {offset}, the registry answered from byte {from}",
                    RegistryErrorCodes.InvalidResponse, response.StatusCode);
            }

            if (response.Content.Headers.ContentLength is { } length && length != expectedLength)
            {
                throw new RegistryClientException(
                    offset == 0
                        ? $"{subject} is {length} bytes on the registry, but its descriptor says {blob.Size}"
                        : $"{subject}: resuming at byte {offset}, the registry sends {length} bytes, but {expectedLength} are left",
                    RegistryErrorCodes.InvalidResponse, response.StatusCode);
            }

            // Disposing the content stream hands the connection back to the pool.
            var content = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            if (offset > 0 && !partial)
            {
                // The registry (or a proxy) ignored the range and sends it all: skip what has already arrived.
                await SkipAsync(content, offset, cancellationToken).ConfigureAwait(false);
            }

            return content;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private static async Task SkipAsync(Stream content, long count, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("the content ended before the point to resume from");
            }

            count -= read;
        }
    }

    public void Dispose() => _http.Dispose();

    private Task<HttpResponseMessage> SendManifestRequestAsync(HttpMethod method, Reference reference, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(
            static (state, token) => new ValueTask<HttpResponseMessage>(state.Client.SendManifestRequestOnceAsync(state.Method, state.Reference, token)),
            (Client: this, Method: method, Reference: reference),
            cancellationToken).AsTask();

    private async Task<HttpResponseMessage> SendManifestRequestOnceAsync(HttpMethod method, Reference reference, CancellationToken cancellationToken)
    {
        var endpoint = GetEndpoint(reference.Registry);
        var target = reference.Digest?.ToString() ?? reference.Tag ?? Reference.DefaultTag;
        using var request = NewRequest(method, endpoint, reference, endpoint.ApiUri(reference.Repository, "manifests", target));
        foreach (var mediaType in ManifestMediaTypes)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }

        return await SendOnceAsync(request, endpoint, reference.ToString(), RegistryErrorCodes.ManifestUnknown, cancellationToken).ConfigureAwait(false);
    }

    private static HttpRequestMessage NewRequest(HttpMethod method, RegistryEndpoint endpoint, Reference repository, Uri uri, string? scope = null)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Options.Set(RegistryAuthenticationHandler.EndpointOption, endpoint);
        request.Options.Set(RegistryAuthenticationHandler.ScopeOption, scope ?? $"repository:{repository.Repository}:pull");
        return request;
    }

    /// <summary>
    /// Sends a request made afresh for each try (a request cannot be sent twice), retrying transient failures;
    /// see <see cref="SendOnceAsync"/>.
    /// </summary>
    private Task<HttpResponseMessage> SendAsync(
        Func<HttpRequestMessage> newRequest, RegistryEndpoint endpoint, string subject, string? notFoundCode, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(
            static async (state, token) =>
            {
                using var request = state.NewRequest();
                return await state.Client.SendOnceAsync(request, state.Endpoint, state.Subject, state.NotFoundCode, token).ConfigureAwait(false);
            },
            (Client: this, NewRequest: newRequest, Endpoint: endpoint, Subject: subject, NotFoundCode: notFoundCode),
            cancellationToken).AsTask();

    /// <summary>Sends, reading only the headers; a failed status becomes the exception it means, and the response is disposed.</summary>
    private async Task<HttpResponseMessage> SendOnceAsync(
        HttpRequestMessage request, RegistryEndpoint endpoint, string subject, string? notFoundCode, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (ContentFailureIn(e) is { } content)
        {
            // The body being sent failed (a local blob that is corrupt or short): not the network's fault,
            // and sending it again would fail the same way, so it surfaces as itself.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(content);
            throw;
        }
        catch (HttpRequestException e)
        {
            throw RegistryResponses.Unreachable(endpoint.Registry, e, endpoint.IsInsecure);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await RegistryResponses.ToExceptionAsync(response, subject, notFoundCode, _options.MaxRetryAfter, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Exception? ContentFailureIn(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is DigestMismatchException or InvalidDataException)
            {
                return inner;
            }
        }

        return null;
    }

    private static Digest? ContentDigestOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Docker-Content-Digest", out var values)
        && Digest.TryParse(values.FirstOrDefault(), out var digest) ? digest : null;
}
