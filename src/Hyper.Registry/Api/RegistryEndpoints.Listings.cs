using System.Globalization;

using Hyper.Oci;
using Hyper.Registry.Core;

namespace Hyper.Registry.Api;

public sealed partial class RegistryEndpoints
{
    /// <summary>Catalog pages hold at most this many names unless the client asks for fewer (Distribution: 1000).</summary>
    private const int MaxCatalogPage = 1000;

    private async Task GetTagsAsync(HttpContext context, string repository, CancellationToken cancellationToken)
    {
        var (limit, last) = ReadPagination(context, int.MaxValue);
        if (!await metadata.RepositoryExistsAsync(repository, cancellationToken).ConfigureAwait(false))
        {
            throw new RegistryException(RegistryErrorCode.NameUnknown, $"repository {repository} is not known to this registry", ErrorDetail.Of("name", repository));
        }

        var tags = limit == 0
            ? []
            : await metadata.ListTagsAsync(repository, last, limit == int.MaxValue ? limit : limit + 1, cancellationToken).ConfigureAwait(false);
        var page = TakePage(context, tags, limit, $"{repository}/tags/list");
        await WriteJsonAsync(context, StatusCodes.Status200OK, new TagList(repository, page), ApiJsonContext.Default.TagList).ConfigureAwait(false);
    }

    private async Task GetCatalogAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var (limit, last) = ReadPagination(context, MaxCatalogPage);
        limit = Math.Min(limit, MaxCatalogPage);
        var names = limit == 0 ? [] : await metadata.ListRepositoriesAsync(last, limit + 1, cancellationToken).ConfigureAwait(false);
        var page = TakePage(context, names, limit, "_catalog");
        await WriteJsonAsync(context, StatusCodes.Status200OK, new RepositoryList(page), ApiJsonContext.Default.RepositoryList).ConfigureAwait(false);
    }

    private async Task GetReferrersAsync(HttpContext context, RegistryRoute route, CancellationToken cancellationToken)
    {
        var subject = ParseDigest(route.Reference, RegistryErrorCode.DigestInvalid);
        var artifactType = context.Request.Query["artifactType"].ToString() is { Length: > 0 } filter ? filter : null;
        var referrers = await metadata.ListReferrersAsync(route.Repository, subject, artifactType, cancellationToken).ConfigureAwait(false);
        if (artifactType is not null)
        {
            context.Response.Headers[RegistryHeaders.FiltersApplied] = "artifactType";
        }

        var index = new ImageIndex
        {
            Manifests = [.. referrers.Select(r => new Descriptor
            {
                MediaType = r.MediaType,
                Digest = r.Digest,
                Size = r.Size,
                ArtifactType = r.ArtifactType,
                Annotations = r.Annotations,
            })],
        };
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = MediaTypes.OciIndex;
        await context.Response.Body.WriteAsync(OciJson.Serialize(index), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads <c>n</c> and <c>last</c>; a bad <c>n</c> is refused rather than guessed at.</summary>
    private static (int Limit, string? Last) ReadPagination(HttpContext context, int defaultLimit)
    {
        var query = context.Request.Query;
        var limit = defaultLimit;
        if (query["n"].ToString() is { Length: > 0 } n
            && (!int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 0))
        {
            throw new RegistryException(
                new RegistryErrorCode("PAGINATION_NUMBER_INVALID", System.Net.HttpStatusCode.BadRequest, "invalid number of results requested"),
                $"n must be a non-negative integer, not '{n}'");
        }

        var last = query["last"].ToString();
        return (limit, last.Length > 0 ? last : null);
    }

    /// <summary>Cuts a page fetched with one extra row; when the extra row exists, adds the <c>Link</c> to the next page.</summary>
    private IReadOnlyList<string> TakePage(HttpContext context, IReadOnlyList<string> rows, int limit, string pathAfterV2)
    {
        if (rows.Count <= limit)
        {
            return rows;
        }

        var page = rows.Take(limit).ToList();
        var next = $"{Url(pathAfterV2)}?n={limit}&last={Uri.EscapeDataString(page[^1])}";
        context.Response.Headers.Link = $"<{next}>; rel=\"next\"";
        return page;
    }
}
