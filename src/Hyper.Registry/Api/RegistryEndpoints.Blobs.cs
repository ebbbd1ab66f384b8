using Hyper.Oci;
using Hyper.Registry.Core;

using Microsoft.Net.Http.Headers;

namespace Hyper.Registry.Api;

public sealed partial class RegistryEndpoints
{
    private async Task GetBlobAsync(HttpContext context, RegistryRoute route, CancellationToken cancellationToken)
    {
        var digest = ParseDigest(route.Reference, RegistryErrorCode.BlobUnknown);
        var blob = await repositoryBlobs.OpenAsync(route.Repository, digest, cancellationToken).ConfigureAwait(false);
        context.Response.Headers[RegistryHeaders.ContentDigest] = digest.ToString();

        // PhysicalFile answers Range with 206, If-None-Match with 304, and sends the file with sendfile
        // rather than copying it through managed buffers.
        var etag = new EntityTagHeaderValue($"\"{digest}\"");
        IResult result = blob.PhysicalPath is { } path
            ? TypedResults.PhysicalFile(path, "application/octet-stream", entityTag: etag, enableRangeProcessing: true)
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
            : throw new RegistryException(error, message, new { digest = text });
}
