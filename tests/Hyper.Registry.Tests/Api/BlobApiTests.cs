using System.Net;
using System.Net.Http.Headers;

using Hyper.Oci;

namespace Hyper.Registry.Tests.Api;

public sealed class BlobApiTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private RunningRegistry Registry => fixture.Registry;

    [Fact]
    public async Task A_failure_of_the_storage_itself_is_answered_with_an_oci_error_body()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var tmp = Path.Combine(registry.DataDirectory, "tmp");
        Directory.Delete(tmp);
        await File.WriteAllTextAsync(tmp, "a file where the temp directory should be");
        var content = new byte[100];

        using var response = await registry.SendAsync(HttpMethod.Post, $"/v2/broken/storage/blobs/uploads/?digest={Digest.Compute(content)}", content);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("UNKNOWN", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Base_endpoint_answers_200_with_the_api_version_header()
    {
        using var response = await Registry.Client.GetAsync("/v2/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("registry/2.0", response.Header("Docker-Distribution-API-Version"));
    }

    [Fact]
    public async Task Pushed_blob_is_served_with_digest_length_and_etag()
    {
        var repository = RegistryRequests.NewRepository();
        var content = "hello blob"u8.ToArray();
        var digest = await Registry.PushBlobAsync(repository, content);

        using var get = await Registry.Client.GetAsync($"/v2/{repository}/blobs/{digest}");
        using var head = await Registry.SendAsync(HttpMethod.Head, $"/v2/{repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(content, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal(digest.ToString(), get.Header("Docker-Content-Digest"));
        Assert.Equal($"\"{digest}\"", get.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(content.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Range_request_gets_206_with_just_those_bytes()
    {
        var repository = RegistryRequests.NewRepository();
        var digest = await Registry.PushBlobAsync(repository, "0123456789"u8.ToArray());

        using var response = await Registry.SendAsync(HttpMethod.Get, $"/v2/{repository}/blobs/{digest}", configure: r => r.Headers.Range = new RangeHeaderValue(2, 5));

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("2345", await response.Content.ReadAsStringAsync());
        Assert.Equal("bytes 2-5/10", response.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task Blob_of_another_repository_is_unknown_here()
    {
        var digest = await Registry.PushBlobAsync(RegistryRequests.NewRepository(), "private"u8.ToArray());

        using var response = await Registry.Client.GetAsync($"/v2/{RegistryRequests.NewRepository()}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("BLOB_UNKNOWN", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Cross_repository_mount_links_the_blob_without_upload()
    {
        var source = RegistryRequests.NewRepository();
        var target = RegistryRequests.NewRepository();
        var digest = await Registry.PushBlobAsync(source, "shared layer"u8.ToArray());

        using var mount = await Registry.SendAsync(HttpMethod.Post, $"/v2/{target}/blobs/uploads/?mount={digest}&from={source}");
        using var get = await Registry.Client.GetAsync($"/v2/{target}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.Created, mount.StatusCode);
        Assert.Equal($"/v2/{target}/blobs/{digest}", mount.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task Mount_of_a_blob_the_source_lacks_falls_back_to_an_upload_session()
    {
        var target = RegistryRequests.NewRepository();
        var missing = Digest.Compute("nowhere"u8);

        using var response = await Registry.SendAsync(HttpMethod.Post, $"/v2/{target}/blobs/uploads/?mount={missing}&from={RegistryRequests.NewRepository()}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith($"/v2/{target}/blobs/uploads/", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleted_blob_is_no_longer_served_by_the_repository()
    {
        var repository = RegistryRequests.NewRepository();
        var digest = await Registry.PushBlobAsync(repository, "to delete"u8.ToArray());

        using var delete = await Registry.SendAsync(HttpMethod.Delete, $"/v2/{repository}/blobs/{digest}");
        using var get = await Registry.Client.GetAsync($"/v2/{repository}/blobs/{digest}");
        using var again = await Registry.SendAsync(HttpMethod.Delete, $"/v2/{repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Blob_whose_file_came_back_short_is_not_served_as_whole()
    {
        var repository = RegistryRequests.NewRepository();
        var digest = await Registry.PushBlobAsync(repository, "a blob that a power cut truncates"u8.ToArray());
        var file = Path.Combine(Registry.DataDirectory, "blobs", "sha256", digest.Encoded[..2], digest.Encoded);
        await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(5);
        }

        using var response = await Registry.Client.GetAsync($"/v2/{repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("BLOB_UNKNOWN", await response.ErrorCodeAsync());
    }

    [Theory]
    [InlineData("POST ?digest=")]
    [InlineData("POST, PUT")]
    [InlineData("POST, PATCH, PUT")]
    public async Task Blob_whose_file_came_back_short_is_repaired_by_pushing_it_again(string push)
    {
        var repository = RegistryRequests.NewRepository();
        var content = "a blob that a power cut truncates, pushed again"u8.ToArray();
        var digest = await Registry.PushBlobAsync(repository, content);
        await using (var stream = new FileStream(Registry.BlobFile(digest), FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(5);
        }

        using var pushed = await PushAgainAsync(repository, content, push);
        using var response = await Registry.Client.GetAsync($"/v2/{repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(content, await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Large_blob_is_served_whole_and_unchanged()
    {
        var repository = RegistryRequests.NewRepository();
        var content = new byte[5 * 1024 * 1024 + 7];
        new Random(3).NextBytes(content);
        var digest = await Registry.PushBlobAsync(repository, content);

        using var response = await Registry.Client.GetAsync($"/v2/{repository}/blobs/{digest}");

        Assert.Equal(content.Length, response.Content.Headers.ContentLength);
        Assert.Equal(digest, Digest.Compute(await response.Content.ReadAsByteArrayAsync()));
    }

    private async Task<HttpResponseMessage> PushAgainAsync(string repository, byte[] content, string push)
    {
        var digest = Digest.Compute(content);
        if (push == "POST ?digest=")
        {
            return await Registry.SendAsync(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/?digest={digest}", content);
        }

        using var start = await Registry.SendAsync(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/");
        var location = start.Headers.Location!.OriginalString;
        if (push == "POST, PUT")
        {
            return await Registry.SendAsync(HttpMethod.Put, $"{location}?digest={digest}", content);
        }

        using var patch = await Registry.SendAsync(HttpMethod.Patch, location, content, configure: r => r.Content!.Headers.TryAddWithoutValidation("Content-Range", $"0-{content.Length - 1}"));
        Assert.Equal(HttpStatusCode.Accepted, patch.StatusCode);
        return await Registry.SendAsync(HttpMethod.Put, $"{patch.Headers.Location!.OriginalString}?digest={digest}");
    }
}
