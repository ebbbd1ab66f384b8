namespace Hyper.Registry.Api;

/// <summary>
/// A request path under <c>/v2/</c> split into endpoint, repository name and reference. Names have any
/// number of components (<c>a/b/c</c>), so the endpoint is recognised from the end of the path.
/// </summary>
public readonly record struct RegistryRoute(RouteKind Kind, string Repository, string Reference)
{
    /// <summary>Parses the path after <c>/v2/</c>; null when it is no endpoint of the spec.</summary>
    public static RegistryRoute? Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
        {
            return new RegistryRoute(RouteKind.Base, string.Empty, string.Empty);
        }

        if (path is "_catalog")
        {
            return new RegistryRoute(RouteKind.Catalog, string.Empty, string.Empty);
        }

        var segments = path.Split('/');
        var n = segments.Length;
        if (n >= 3 && segments[n - 2] == "tags" && segments[n - 1] == "list")
        {
            return Route(RouteKind.Tags, segments, n - 2, string.Empty);
        }

        if (n >= 4 && segments[n - 3] == "blobs" && segments[n - 2] == "uploads")
        {
            var id = segments[n - 1];
            return Route(id.Length == 0 ? RouteKind.UploadStart : RouteKind.Upload, segments, n - 3, id);
        }

        if (n >= 3 && segments[n - 2] == "blobs" && segments[n - 1] == "uploads")
        {
            return Route(RouteKind.UploadStart, segments, n - 2, string.Empty);
        }

        if (n >= 3 && segments[n - 1].Length > 0)
        {
            var kind = segments[n - 2] switch
            {
                "manifests" => RouteKind.Manifest,
                "blobs" => RouteKind.Blob,
                "referrers" => RouteKind.Referrers,
                _ => (RouteKind?)null,
            };
            if (kind is { } k)
            {
                return Route(k, segments, n - 2, segments[n - 1]);
            }
        }

        return null;
    }

    private static RegistryRoute? Route(RouteKind kind, string[] segments, int nameEnd, string reference) =>
        nameEnd == 0 ? null : new RegistryRoute(kind, string.Join('/', segments, 0, nameEnd), reference);
}
