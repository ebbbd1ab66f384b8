using System.Net;
using System.Net.Sockets;
using System.Text;

using Hyper.Oci;

namespace Hyper.Registry.Tests.Api;

public sealed class BadInputTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private RunningRegistry Registry => fixture.Registry;

    [Theory]
    [InlineData("/v2/UPPER/blobs/uploads/")]
    [InlineData("/v2/a..b/blobs/uploads/")]
    [InlineData("/v2/-a/blobs/uploads/")]
    [InlineData("/v2/a//b/blobs/uploads/")]
    [InlineData("/v2/a%2F..%2Fb/blobs/uploads/")]
    public async Task Invalid_repository_names_are_name_invalid(string path)
    {
        using var response = await Registry.SendAsync(HttpMethod.Post, path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("NAME_INVALID", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Repository_name_over_255_characters_is_name_invalid()
    {
        var name = string.Join('/', Enumerable.Repeat(new string('a', 50), 6));

        using var response = await Registry.SendAsync(HttpMethod.Post, $"/v2/{name}/blobs/uploads/");

        Assert.Equal("NAME_INVALID", await response.ErrorCodeAsync());
    }

    [Theory]
    [InlineData("sha256:../../../../etc/passwd")]
    [InlineData("sha256:abc")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    public async Task Malformed_digests_in_blob_urls_are_refused(string digest)
    {
        using var response = await Registry.Client.GetAsync($"/v2/bad/digest/blobs/{Uri.EscapeDataString(digest)}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("BLOB_UNKNOWN", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Path_traversal_in_the_raw_request_line_reaches_no_file()
    {
        var response = await SendRawAsync("GET /v2/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        Assert.DoesNotContain("root:", response, StringComparison.Ordinal);
        Assert.Matches("^HTTP/1.1 (400|404)", response);
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("not-a-guid")]
    public async Task Upload_ids_that_are_not_session_ids_are_unknown(string id)
    {
        using var response = await Registry.Client.GetAsync($"/v2/bad/upload/blobs/uploads/{Uri.EscapeDataString(id)}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Manifest_larger_than_the_limit_is_refused_with_413()
    {
        var repository = RegistryRequests.NewRepository();
        var pad = new string('x', 10 * 1024 * 1024);
        var huge = Encoding.UTF8.GetBytes($$$"""{"schemaVersion":2,"mediaType":"{{{MediaTypes.OciIndex}}}","manifests":[],"annotations":{"pad":"{{{pad}}}"}}""");

        using var response = await Registry.SendAsync(HttpMethod.Put, $"/v2/{repository}/manifests/huge", huge, MediaTypes.OciIndex);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("MANIFEST_INVALID", await response.ErrorCodeAsync());
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"schemaVersion":1,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}""")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a","digest":"sha256:zz","size":1},"layers":[]}""")]
    public async Task Malformed_manifests_are_manifest_invalid(string body)
    {
        using var response = await Registry.SendAsync(HttpMethod.Put, $"/v2/{RegistryRequests.NewRepository()}/manifests/bad", Encoding.UTF8.GetBytes(body), MediaTypes.OciManifest);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MANIFEST_INVALID", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Invalid_tag_is_tag_invalid()
    {
        var repository = RegistryRequests.NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "ok");

        using var response = await Registry.PutManifestAsync(repository, $"{manifest.Digest}?tag=-bad", manifest);

        Assert.Equal("TAG_INVALID", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Unknown_endpoints_are_404_name_unknown()
    {
        using var response = await Registry.Client.GetAsync("/v2/just-a-name");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("NAME_UNKNOWN", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Unknown_manifest_references_are_404_even_when_malformed()
    {
        using var digest = await Registry.Client.GetAsync("/v2/some/repo/manifests/sha256:totallywrong");
        using var tag = await Registry.Client.GetAsync("/v2/some/repo/manifests/.INVALID_MANIFEST_NAME");

        Assert.Equal(HttpStatusCode.NotFound, digest.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, tag.StatusCode);
        Assert.Equal("MANIFEST_UNKNOWN", await tag.ErrorCodeAsync());
    }

    private async Task<string> SendRawAsync(string request)
    {
        using var socket = new TcpClient();
        await socket.ConnectAsync(Registry.BaseAddress.Host, Registry.BaseAddress.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
