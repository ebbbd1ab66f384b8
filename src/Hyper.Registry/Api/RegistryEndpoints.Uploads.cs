using System.Globalization;

using Hyper.Oci;
using Hyper.Registry.Core;

namespace Hyper.Registry.Api;

public sealed partial class RegistryEndpoints
{
    private async Task StartUploadAsync(HttpContext context, string repository, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        if (query["mount"].ToString() is { Length: > 0 } mount)
        {
            var from = query["from"].ToString();
            if (Digest.TryParse(mount.AsSpan(), out var mountDigest, out _) && from.Length > 0 && Reference.IsValidRepository(from)
                && await repositoryBlobs.TryMountAsync(repository, mountDigest, from, cancellationToken).ConfigureAwait(false) is not null)
            {
                await BlobCreatedAsync(context, repository, mountDigest).ConfigureAwait(false);
                return;
            }

            // Not mountable (unknown blob, no 'from', or 'from' lacks it): the spec says to fall back to
            // an ordinary upload session, so the client uploads the blob instead.
        }
        else if (query["digest"].ToString() is { Length: > 0 } digestText)
        {
            var digest = ParseDigest(digestText, RegistryErrorCode.DigestInvalid);
            await uploads.PutMonolithicAsync(repository, digest, context.Request.Body, context.Request.ContentLength, cancellationToken).ConfigureAwait(false);
            await BlobCreatedAsync(context, repository, digest).ConfigureAwait(false);
            return;
        }

        var algorithm = query["digest-algorithm"].ToString() is { Length: > 0 } requested ? requested : Digest.Sha256;
        var upload = await uploads.StartAsync(repository, algorithm, cancellationToken).ConfigureAwait(false);
        context.Response.Headers[RegistryHeaders.ChunkMinLength] = ChunkMinLength.ToString(CultureInfo.InvariantCulture);
        await UploadAcceptedAsync(context, repository, upload.Id, 0, StatusCodes.Status202Accepted).ConfigureAwait(false);
    }

    private async Task PatchUploadAsync(HttpContext context, RegistryRoute route, CancellationToken cancellationToken)
    {
        var (start, end) = ParseContentRange(context.Request.Headers.ContentRange.ToString());
        var size = await uploads.AppendAsync(route.Repository, route.Reference, context.Request.Body, start, end, cancellationToken).ConfigureAwait(false);
        await UploadAcceptedAsync(context, route.Repository, route.Reference, size, StatusCodes.Status202Accepted).ConfigureAwait(false);
    }

    private async Task CompleteUploadAsync(HttpContext context, RegistryRoute route, CancellationToken cancellationToken)
    {
        var digestText = context.Request.Query["digest"].ToString();
        if (digestText.Length == 0)
        {
            throw new RegistryException(RegistryErrorCode.DigestInvalid, "finishing an upload needs ?digest=<digest of the whole blob>");
        }

        var digest = ParseDigest(digestText, RegistryErrorCode.DigestInvalid);
        var (start, _) = ParseContentRange(context.Request.Headers.ContentRange.ToString());
        await uploads.CompleteAsync(route.Repository, route.Reference, digest, context.Request.Body, start, cancellationToken).ConfigureAwait(false);
        await BlobCreatedAsync(context, route.Repository, digest).ConfigureAwait(false);
    }

    private async Task GetUploadAsync(HttpContext context, RegistryRoute route, CancellationToken cancellationToken)
    {
        var size = await uploads.GetSizeAsync(route.Repository, route.Reference, cancellationToken).ConfigureAwait(false);
        await UploadAcceptedAsync(context, route.Repository, route.Reference, size, StatusCodes.Status204NoContent).ConfigureAwait(false);
    }

    private async Task CancelUploadAsync(HttpContext context, RegistryRoute route, CancellationToken cancellationToken)
    {
        await uploads.CancelAsync(route.Repository, route.Reference, cancellationToken).ConfigureAwait(false);
        await WriteEmptyAsync(context, StatusCodes.Status204NoContent).ConfigureAwait(false);
    }

    private Task BlobCreatedAsync(HttpContext context, string repository, Digest digest)
    {
        context.Response.Headers.Location = Url($"{repository}/blobs/{digest}");
        context.Response.Headers[RegistryHeaders.ContentDigest] = digest.ToString();
        return WriteEmptyAsync(context, StatusCodes.Status201Created);
    }

    private Task UploadAcceptedAsync(HttpContext context, string repository, string uploadId, long size, int status)
    {
        context.Response.Headers.Location = Url($"{repository}/blobs/uploads/{uploadId}");
        foreach (var (name, value) in BlobUploads.RangeHeaders(uploadId, size))
        {
            context.Response.Headers[name] = value;
        }

        return WriteEmptyAsync(context, status);
    }

    /// <summary>
    /// Reads <c>Content-Range</c> as the spec writes it (<c>0-1023</c>, inclusive), also accepting the
    /// HTTP form some clients send (<c>bytes 0-1023/*</c>). Absent means "append where the upload is".
    /// </summary>
    private static (long? Start, long? End) ParseContentRange(string header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return (null, null);
        }

        var text = header.AsSpan().Trim();
        if (text.StartsWith("bytes", StringComparison.OrdinalIgnoreCase))
        {
            text = text[5..].TrimStart(" =");
        }

        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            text = text[..slash];
        }

        var dash = text.IndexOf('-');
        if (dash > 0
            && long.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            && long.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var end)
            && end >= start)
        {
            return (start, end);
        }

        throw new RegistryException(
            RegistryErrorCode.BlobUploadInvalid.WithStatus(System.Net.HttpStatusCode.RequestedRangeNotSatisfiable),
            $"invalid Content-Range '{header}': expected <start>-<end>, e.g. 0-1023");
    }
}
