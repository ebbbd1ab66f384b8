using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

using Hyper.Oci;

using Hyper.Registry.Configuration;
using Hyper.Registry.Core;
using Hyper.Registry.Metadata;

namespace Hyper.Registry.Api;

/// <summary>
/// The HTTP face of the registry: one handler for everything under <c>/v2/</c>, dispatching on the
/// URL shape (<see cref="RegistryRoute"/>) and the method, and answering every failure with the
/// spec's error body. Split by endpoint family into partial files.
/// </summary>
public sealed partial class RegistryEndpoints(
    RepositoryBlobs repositoryBlobs,
    BlobUploads uploads,
    RepositoryManifests manifests,
    IMetadataStore metadata,
    RegistryOptions options,
    ILogger<RegistryEndpoints> logger)
{
    private const string JsonContentType = "application/json";

    /// <summary>
    /// Smallest chunk this registry asks for in <c>OCI-Chunk-Min-Length</c>: tiny chunks cost a request
    /// each, so clients that honour the hint send at least this much per PATCH.
    /// </summary>
    private const int ChunkMinLength = 64 * 1024;

    /// <summary>Handles a request for <c>/v2/{path}</c>.</summary>
    public async Task HandleAsync(HttpContext context, string path)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers[RegistryHeaders.ApiVersion] = RegistryHeaders.ApiVersionValue;
        try
        {
            if (RegistryRoute.Parse(path) is not { } route)
            {
                throw new RegistryException(RegistryErrorCode.NameUnknown, $"no registry endpoint at /v2/{path}");
            }

            if (route.Repository.Length > 0)
            {
                RegistryNames.EnsureValidRepository(route.Repository);
            }

            await DispatchAsync(context, route).ConfigureAwait(false);
        }
        catch (RegistryException e)
        {
            await WriteErrorAsync(context, e).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or BadHttpRequestException
            && context.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-request; nothing can be answered. What was stored stays consistent.
            Log.ClientAborted(logger, context.Request.Method, context.Request.Path);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own refusals keep their status: 408 for a body that stalled below http.mindatarate.
            var error = RegistryErrorCode.BlobUploadInvalid.WithStatus((System.Net.HttpStatusCode)e.StatusCode);
            var message = e.StatusCode == StatusCodes.Status408RequestTimeout
                ? $"the request body stalled: it arrived slower than {options.Http.MinDataRate} bytes/s (http.mindatarate) for longer than {options.Http.Timeout.Read} (http.timeout.read); send it again"
                : $"bad request: {e.Message}";
            await WriteErrorAsync(context, new RegistryException(error, message)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A failure of the registry itself (disk full, storage or database unavailable): still the spec's
            // error body, with Distribution's code for it, so clients show the reason instead of a bare 500.
            Log.RequestFailed(logger, context.Request.Method, context.Request.Path, e);
            await WriteErrorAsync(context, new RegistryException(RegistryErrorCode.Unknown, $"the registry failed to answer: {e.Message}")).ConfigureAwait(false);
        }
    }

    private Task DispatchAsync(HttpContext context, RegistryRoute route)
    {
        var method = context.Request.Method;
        var ct = context.RequestAborted;
        return (route.Kind, method) switch
        {
            (RouteKind.Base, "GET" or "HEAD") => WriteJsonAsync(context, StatusCodes.Status200OK, EmptyObject.Instance, ApiJsonContext.Default.EmptyObject),
            (RouteKind.Catalog, "GET") => GetCatalogAsync(context, ct),
            (RouteKind.Tags, "GET") => GetTagsAsync(context, route.Repository, ct),
            (RouteKind.Referrers, "GET") => GetReferrersAsync(context, route, ct),
            (RouteKind.Manifest, "GET" or "HEAD") => GetManifestAsync(context, route, ct),
            (RouteKind.Manifest, "PUT") => PutManifestAsync(context, route, ct),
            (RouteKind.Manifest, "DELETE") => DeleteManifestAsync(context, route, ct),
            (RouteKind.Blob, "GET" or "HEAD") => GetBlobAsync(context, route, ct),
            (RouteKind.Blob, "DELETE") => DeleteBlobAsync(context, route, ct),
            (RouteKind.UploadStart, "POST") => StartUploadAsync(context, route.Repository, ct),
            (RouteKind.Upload, "PATCH") => PatchUploadAsync(context, route, ct),
            (RouteKind.Upload, "PUT") => CompleteUploadAsync(context, route, ct),
            (RouteKind.Upload, "GET") => GetUploadAsync(context, route, ct),
            (RouteKind.Upload, "DELETE") => CancelUploadAsync(context, route, ct),
            _ => throw new RegistryException(RegistryErrorCode.Unsupported, $"{method} is not supported on /v2/{(route.Repository.Length > 0 ? route.Repository + "/…" : string.Empty)}"),
        };
    }

    private string Url(string pathAfterV2) => $"{options.Http.Host.TrimEnd('/')}/v2/{pathAfterV2}";

    private static Task WriteJsonAsync<T>(HttpContext context, int status, T body, JsonTypeInfo<T> contract)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        return JsonSerializer.SerializeAsync(context.Response.Body, body, contract, context.RequestAborted);
    }

    private static Task WriteEmptyAsync(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    private async Task WriteErrorAsync(HttpContext context, RegistryException error)
    {
        Log.RequestRejected(logger, context.Request.Method, context.Request.Path, error.Error.Code, error.Message);
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.Clear();
        context.Response.Headers[RegistryHeaders.ApiVersion] = RegistryHeaders.ApiVersionValue;
        foreach (var (name, value) in error.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        var body = new ErrorBody([new ErrorEntry(error.Error.Code, error.Message, error.Detail)]);
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = (int)error.Error.Status;
            return;
        }

        await WriteJsonAsync(context, (int)error.Error.Status, body, ApiJsonContext.Default.ErrorBody).ConfigureAwait(false);
    }
}
