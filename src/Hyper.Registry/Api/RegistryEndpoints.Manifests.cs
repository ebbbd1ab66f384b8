using Hyper.Oci;
using Hyper.Registry.Core;

namespace Hyper.Registry.Api;

public sealed partial class RegistryEndpoints
{
    private async Task GetManifestAsync(HttpContext context, RegistryRoute route, CancellationToken cancellationToken)
    {
        var (record, content) = await manifests.GetAsync(route.Repository, route.Reference, cancellationToken).ConfigureAwait(false);
        if (!Accepts(context.Request.Headers.Accept, record.MediaType))
        {
            // As Distribution does: a client that lists the types it understands is not sent another.
            throw new RegistryException(
                RegistryErrorCode.ManifestUnknown,
                $"manifest {route.Reference} is a {record.MediaType}, which the request's Accept header does not include",
                ErrorDetail.Of("mediaType", record.MediaType));
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = record.MediaType;
        response.ContentLength = record.Size;
        response.Headers[RegistryHeaders.ContentDigest] = record.Digest.ToString();
        response.Headers.ETag = $"\"{record.Digest}\"";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var stream = content.OpenRead();
        await using (stream.ConfigureAwait(false))
        {
            await stream.CopyToAsync(response.Body, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PutManifestAsync(HttpContext context, RegistryRoute route, CancellationToken cancellationToken)
    {
        var extraTags = context.Request.Query["tag"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList();
        var pushed = await manifests.PutAsync(
            route.Repository, route.Reference, context.Request.Body, context.Request.ContentType, extraTags, cancellationToken).ConfigureAwait(false);

        var headers = context.Response.Headers;
        headers.Location = Url($"{route.Repository}/manifests/{pushed.Record.Digest}");
        headers[RegistryHeaders.ContentDigest] = pushed.Record.Digest.ToString();
        if (pushed.Record.Subject is { } subject)
        {
            headers[RegistryHeaders.Subject] = subject.ToString();
        }

        if (extraTags.Count > 0)
        {
            headers[RegistryHeaders.Tag] = pushed.Tags.ToArray();
        }

        await WriteEmptyAsync(context, StatusCodes.Status201Created).ConfigureAwait(false);
    }

    private async Task DeleteManifestAsync(HttpContext context, RegistryRoute route, CancellationToken cancellationToken)
    {
        await manifests.DeleteAsync(route.Repository, route.Reference, cancellationToken).ConfigureAwait(false);
        await WriteEmptyAsync(context, StatusCodes.Status202Accepted).ConfigureAwait(false);
    }

    /// <summary>
    /// True when the Accept header allows <paramref name="mediaType"/>. No Accept header, a wildcard or
    /// plain JSON accepts anything: many clients send nothing more specific.
    /// </summary>
    private static bool Accepts(Microsoft.Extensions.Primitives.StringValues accept, string mediaType)
    {
        if (accept.Count == 0)
        {
            return true;
        }

        foreach (var header in accept)
        {
            foreach (var part in (header ?? string.Empty).Split(','))
            {
                var type = part.Split(';')[0].Trim();
                if (type.Length == 0 || type is "*/*" || MediaTypes.Equal(type, "application/*") || MediaTypes.Equal(type, "application/json")
                    || MediaTypes.Equal(type, mediaType))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
