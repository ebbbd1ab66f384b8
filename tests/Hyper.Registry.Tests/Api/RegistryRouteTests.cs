using Hyper.Registry.Api;

namespace Hyper.Registry.Tests.Api;

public sealed class RegistryRouteTests
{
    [Theory]
    [InlineData("", RouteKind.Base, "", "")]
    [InlineData("_catalog", RouteKind.Catalog, "", "")]
    [InlineData("a/tags/list", RouteKind.Tags, "a", "")]
    [InlineData("a/b/c/tags/list", RouteKind.Tags, "a/b/c", "")]
    [InlineData("a/manifests/latest", RouteKind.Manifest, "a", "latest")]
    [InlineData("a/b/manifests/sha256:abc", RouteKind.Manifest, "a/b", "sha256:abc")]
    [InlineData("a/blobs/sha256:abc", RouteKind.Blob, "a", "sha256:abc")]
    [InlineData("a/blobs/uploads/", RouteKind.UploadStart, "a", "")]
    [InlineData("a/blobs/uploads", RouteKind.UploadStart, "a", "")]
    [InlineData("a/blobs/uploads/1234", RouteKind.Upload, "a", "1234")]
    [InlineData("a/referrers/sha256:abc", RouteKind.Referrers, "a", "sha256:abc")]
    [InlineData("manifests/manifests/x", RouteKind.Manifest, "manifests", "x")]
    [InlineData("blobs/blobs/uploads/", RouteKind.UploadStart, "blobs", "")]
    public void Paths_are_split_into_endpoint_name_and_reference(string path, RouteKind kind, string repository, string reference)
    {
        var route = RegistryRoute.Parse(path);

        Assert.Equal(new RegistryRoute(kind, repository, reference), route);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("manifests/x")]
    [InlineData("a/manifests/")]
    [InlineData("tags/list")]
    [InlineData("a/unknown/x")]
    public void Paths_that_are_no_endpoint_give_nothing(string path)
    {
        Assert.Null(RegistryRoute.Parse(path));
    }
}
