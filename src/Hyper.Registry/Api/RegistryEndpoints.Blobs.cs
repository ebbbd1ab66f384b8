using Hyper.Oci;
using Hyper.Registry.Core;

using Microsoft.Net.Http.Headers;

namespace Hyper.Registry.Api;

public sealed partial class RegistryEndpoints
{
    private async Task GetBlobAsync(HttpContext context, RegistryRoute route, CancellationToken cancellationToken)
    {
        var digest = ParseDigest(route.Reference, RegistryErrorCode.BlobUnknown);
        try
        {
            await SendBlobAsync(context, route, digest, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException) when (!context.Response.HasStarted)
        {
            // Deleted (garbage collection, another replica) between finding the blob and opening its file.
            throw new RegistryException(
                RegistryErrorCode.BlobUnknown,
                $"blob {digest} was removed from storage while being fetched",
                ErrorDetail.Of("digest", digest.ToString()));
        }
    }

    private async Task SendBlobAsync(HttpContext context, RegistryRoute route, Digest digest, CancellationToken cancellationToken)
    {
        var blob = await repositoryBlobs.OpenAsync(route.Repository, digest, cancellationToken).ConfigureAwait(false);
        context.Response.Headers[RegistryHeaders.ContentDigest] = digest.ToString();

        var etag = new EntityTagHeaderValue($"\"{digest}\"");
        var request = context.Request.Headers;
        if (blob.PhysicalPath is { } path && request.Range.Count == 0 && request.IfNoneMatch.Count == 0 && request.IfRange.Count == 0)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/octet-stream";
            context.Response.Headers.ETag = etag.ToString();
            context.Response.Headers.AcceptRanges = "bytes";
            await BlobSender.SendAsync(context, path, blob.Length, cancellationToken).ConfigureAwait(false);
            return;
        }

        // Ranges (206), conditional requests (304) and stores without files take the general path.
        IResult result = blob.PhysicalPath is { } file
            ? TypedResults.PhysicalFile(file, "application/octet-stream", entityTag: etag, enableRangeProcessing: true)
            : TypedResults.Stream(blob.OpenRead(), "application/octet-stream", entityTag: etag, enableRangeProcessing: true);
        await result.ExecuteAsync(context).ConfigureAwait(false);
    }

    private async Task DeleteBlobAsync(HttpContext context, RegistryRoute route, CancellationToken cancellationToken)
    {
        var digest = ParseDigest(route.Reference, RegistryErrorCode.DigestInvalid);
        await repositoryBlobs.DeleteAsync(route.Repository, digest, cancellationToken).ConfigureAwait(false);
        await WriteEmptyAsync(context, StatusCodes.Status202Accepted).ConfigureAwait(false);
    }

    /// <summary>Parses a digest from a URL; a malformed one is answered with <paramref name="error"/>.</summary>
    private static Digest ParseDigest(string text, RegistryErrorCode error) =>
        Digest.TryParse(text.AsSpan(), out var digest, out var message)
            ? digest
            : throw new RegistryException(error, message, ErrorDetail.Of("digest", text));
}
