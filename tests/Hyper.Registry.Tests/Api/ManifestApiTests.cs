using System.Net;
using System.Net.Http.Headers;
using System.Text;

using Hyper.Oci;

namespace Hyper.Registry.Tests.Api;

public sealed class ManifestApiTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private RunningRegistry Registry => fixture.Registry;

    [Fact]
    public async Task Pushed_manifest_is_served_by_tag_and_digest_with_its_exact_bytes()
    {
        var repository = RegistryRequests.NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "v1");

        using var byTag = await Registry.Client.GetAsync($"/v2/{repository}/manifests/v1");
        using var byDigest = await Registry.Client.GetAsync($"/v2/{repository}/manifests/{manifest.Digest}");
        using var head = await Registry.SendAsync(HttpMethod.Head, $"/v2/{repository}/manifests/v1");

        foreach (var response in new[] { byTag, byDigest })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(manifest.Bytes.ToArray(), await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(MediaTypes.OciManifest, response.Content.Headers.ContentType!.MediaType);
            Assert.Equal(manifest.Digest.ToString(), response.Header("Docker-Content-Digest"));
        }

        Assert.Equal(manifest.Bytes.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Put_answers_201_with_location_and_digest()
    {
        var repository = RegistryRequests.NewRepository();
        var config = "{}"u8.ToArray();
        await Registry.PushBlobAsync(repository, config);
        var manifest = Manifest.Create(new ImageManifest { Config = Descriptor.For(config, MediaTypes.OciConfig), Layers = [] });

        using var response = await Registry.PutManifestAsync(repository, "latest", manifest);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/v2/{repository}/manifests/{manifest.Digest}", response.Headers.Location!.OriginalString);
        Assert.Equal(manifest.Digest.ToString(), response.Header("Docker-Content-Digest"));
    }

    [Fact]
    public async Task Manifest_with_unknown_fields_keeps_its_bytes_and_digest()
    {
        var repository = RegistryRequests.NewRepository();
        await Registry.PushBlobAsync(repository, "{}"u8.ToArray());
        var bytes = Encoding.UTF8.GetBytes("""
            {  "schemaVersion": 2, "newUnspecifiedField": [1,2],
               "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2,
                          "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", "data": "e30="},
               "layers": [] }
            """);

        using var put = await Registry.SendAsync(HttpMethod.Put, $"/v2/{repository}/manifests/odd", bytes, MediaTypes.OciManifest);
        using var get = await Registry.Client.GetAsync($"/v2/{repository}/manifests/odd");

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal(Digest.Compute(bytes).ToString(), get.Header("Docker-Content-Digest"));
    }

    [Fact]
    public async Task Manifest_referencing_a_missing_blob_is_rejected()
    {
        var repository = RegistryRequests.NewRepository();
        var manifest = Manifest.Create(new ImageManifest
        {
            Config = Descriptor.For("{\"never\":\"pushed\"}"u8, MediaTypes.OciConfig),
            Layers = [],
        });

        using var response = await Registry.PutManifestAsync(repository, "broken", manifest);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MANIFEST_BLOB_UNKNOWN", await response.ErrorCodeAsync());
    }

    [Theory]
    [InlineData(MediaTypes.OciLayer)]
    [InlineData(MediaTypes.OciLayerGzip)]
    [InlineData(MediaTypes.OciLayerZstd)]
    [InlineData(MediaTypes.DockerLayerGzip)]
    [InlineData("application/vnd.example.data")]
    public async Task Layer_with_urls_must_still_be_in_the_repository_unless_it_is_non_distributable(string mediaType)
    {
        var repository = RegistryRequests.NewRepository();
        var manifest = await ManifestWithMissingLayerAsync(repository, mediaType, ["https://example.com/layer"]);

        using var response = await Registry.PutManifestAsync(repository, "urls", manifest);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MANIFEST_BLOB_UNKNOWN", await response.ErrorCodeAsync());
    }

    [Theory]
    [InlineData(MediaTypes.OciNonDistributableLayer)]
    [InlineData(MediaTypes.OciNonDistributableLayerGzip)]
    [InlineData(MediaTypes.OciNonDistributableLayerZstd)]
    [InlineData(MediaTypes.DockerForeignLayer)]
    [InlineData("Application/Vnd.Docker.Image.Rootfs.Foreign.Diff.Tar.Gzip")]
    public async Task Non_distributable_layer_with_urls_need_not_be_in_the_repository(string mediaType)
    {
        var repository = RegistryRequests.NewRepository();
        var manifest = await ManifestWithMissingLayerAsync(repository, mediaType, ["https://example.com/layer"]);

        using var response = await Registry.PutManifestAsync(repository, "foreign", manifest);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Non_distributable_layer_without_urls_must_be_in_the_repository()
    {
        var repository = RegistryRequests.NewRepository();
        var manifest = await ManifestWithMissingLayerAsync(repository, MediaTypes.OciNonDistributableLayerGzip, urls: null);

        using var response = await Registry.PutManifestAsync(repository, "foreign", manifest);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MANIFEST_BLOB_UNKNOWN", await response.ErrorCodeAsync());
    }

    [Theory]
    [InlineData("ftp://example.com/layer")]
    [InlineData("https://example.com/layer#part")]
    [InlineData("/relative/layer")]
    public async Task Non_distributable_layer_with_a_url_that_is_not_http_is_rejected(string url)
    {
        var repository = RegistryRequests.NewRepository();
        var manifest = await ManifestWithMissingLayerAsync(repository, MediaTypes.OciNonDistributableLayerGzip, [url]);

        using var response = await Registry.PutManifestAsync(repository, "foreign", manifest);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MANIFEST_INVALID", await response.ErrorCodeAsync());
    }

    [Theory]
    [InlineData(MediaTypes.OciConfig)]
    [InlineData(MediaTypes.OciNonDistributableLayerGzip)]
    public async Task Config_with_urls_must_be_in_the_repository(string mediaType)
    {
        var repository = RegistryRequests.NewRepository();
        var manifest = Manifest.Create(new ImageManifest
        {
            Config = Descriptor.For("{\"never\":\"pushed\"}"u8, mediaType) with { Urls = ["https://example.com/config"] },
            Layers = [],
        });

        using var response = await Registry.PutManifestAsync(repository, "config-urls", manifest);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MANIFEST_BLOB_UNKNOWN", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Manifest_without_media_type_sent_with_a_case_variant_content_type_is_checked_as_an_image_manifest()
    {
        var repository = RegistryRequests.NewRepository();
        var bytes = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{Digest.Compute("never pushed"u8)}}","size":12},"layers":[]}
            """);

        using var response = await Registry.SendAsync(HttpMethod.Put, $"/v2/{repository}/manifests/case", bytes, "Application/Vnd.Oci.Image.Manifest.V1+Json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MANIFEST_BLOB_UNKNOWN", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Manifest_sent_with_a_case_variant_content_type_is_served_as_its_media_type()
    {
        var repository = RegistryRequests.NewRepository();
        await Registry.PushBlobAsync(repository, "{}"u8.ToArray());
        var bytes = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"config":{"mediaType":"{{MediaTypes.OciConfig}}","digest":"{{Descriptor.EmptyJson.Digest}}","size":2},"layers":[]}
            """);

        using var put = await Registry.SendAsync(HttpMethod.Put, $"/v2/{repository}/manifests/case", bytes, "Application/Vnd.Oci.Image.Manifest.V1+Json");
        using var get = await Registry.SendAsync(HttpMethod.Get, $"/v2/{repository}/manifests/case", configure: r => r.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.OciManifest)));

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(MediaTypes.OciManifest, get.Content.Headers.ContentType!.MediaType);
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Media_type_field_and_content_type_that_differ_only_in_case_agree()
    {
        var repository = RegistryRequests.NewRepository();
        await Registry.PushBlobAsync(repository, "{}"u8.ToArray());
        var manifest = Manifest.Create(new ImageManifest { Config = Descriptor.EmptyJson with { MediaType = MediaTypes.OciConfig }, Layers = [] });

        using var put = await Registry.SendAsync(HttpMethod.Put, $"/v2/{repository}/manifests/case", manifest.Bytes.ToArray(), "application/VND.OCI.IMAGE.MANIFEST.V1+JSON");

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task Index_referencing_a_missing_manifest_is_rejected()
    {
        var repository = RegistryRequests.NewRepository();
        var index = Manifest.Create(new ImageIndex
        {
            Manifests = [new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute("nope"u8), Size = 4 }],
        });

        using var response = await Registry.PutManifestAsync(repository, "broken", index);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("MANIFEST_BLOB_UNKNOWN", await response.ErrorCodeAsync());
    }

    [Fact]
    public async Task Manifest_pushed_by_digest_must_have_that_digest()
    {
        var repository = RegistryRequests.NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "v1");

        using var wrong = await Registry.PutManifestAsync(repository, Digest.Compute("other"u8).ToString(), manifest);
        using var right = await Registry.PutManifestAsync(repository, manifest.Digest.ToString(), manifest);

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal("DIGEST_INVALID", await wrong.ErrorCodeAsync());
        Assert.Equal(HttpStatusCode.Created, right.StatusCode);
    }

    [Fact]
    public async Task Several_tags_in_one_put_are_answered_with_oci_tag_headers()
    {
        var repository = RegistryRequests.NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "first");

        using var response = await Registry.PutManifestAsync(repository, $"{manifest.Digest}?tag=a&tag=b", manifest);
        using var a = await Registry.Client.GetAsync($"/v2/{repository}/manifests/a");
        using var b = await Registry.Client.GetAsync($"/v2/{repository}/manifests/b");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(["a", "b"], response.Headers.GetValues("OCI-Tag"));
        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
    }

    [Fact]
    public async Task Manifest_with_a_subject_is_answered_with_oci_subject_even_when_the_subject_is_absent()
    {
        var repository = RegistryRequests.NewRepository();
        var absent = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Compute("not pushed"u8), Size = 10 };
        await Registry.PushBlobAsync(repository, "{}"u8.ToArray());
        var referrer = Manifest.Create(new ImageManifest
        {
            ArtifactType = "application/vnd.example.sig",
            Config = Descriptor.EmptyJson,
            Layers = [Descriptor.EmptyJson],
            Subject = absent,
        });

        using var response = await Registry.PutManifestAsync(repository, referrer.Digest.ToString(), referrer);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(absent.Digest.ToString(), response.Header("OCI-Subject"));
    }

    [Fact]
    public async Task Client_that_does_not_accept_the_type_is_told_the_manifest_is_unknown()
    {
        var repository = RegistryRequests.NewRepository();
        await Registry.PushImageAsync(repository, "v1");

        using var docker = await Registry.SendAsync(HttpMethod.Get, $"/v2/{repository}/manifests/v1", configure: r => r.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.DockerManifest)));
        using var oci = await Registry.SendAsync(HttpMethod.Get, $"/v2/{repository}/manifests/v1", configure: r =>
        {
            r.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.DockerManifest));
            r.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.OciManifest));
        });

        Assert.Equal(HttpStatusCode.NotFound, docker.StatusCode);
        Assert.Equal(HttpStatusCode.OK, oci.StatusCode);
    }

    [Fact]
    public async Task Other_json_media_types_are_stored_and_served_with_their_own_content_type()
    {
        var repository = RegistryRequests.NewRepository();
        var bytes = """{"schemaVersion":2,"custom":true}"""u8.ToArray();

        using var put = await Registry.SendAsync(HttpMethod.Put, $"/v2/{repository}/manifests/custom", bytes, "application/vnd.example.custom+json");
        using var get = await Registry.Client.GetAsync($"/v2/{repository}/manifests/custom");

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("application/vnd.example.custom+json", get.Content.Headers.ContentType!.MediaType);
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Deleting_a_manifest_removes_it_and_its_tags()
    {
        var repository = RegistryRequests.NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "gone");

        using var delete = await Registry.SendAsync(HttpMethod.Delete, $"/v2/{repository}/manifests/{manifest.Digest}");
        using var byDigest = await Registry.Client.GetAsync($"/v2/{repository}/manifests/{manifest.Digest}");
        using var byTag = await Registry.Client.GetAsync($"/v2/{repository}/manifests/gone");

        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byDigest.StatusCode);
        Assert.Equal("MANIFEST_UNKNOWN", await byDigest.ErrorCodeAsync());
        Assert.Equal(HttpStatusCode.NotFound, byTag.StatusCode);
    }

    [Fact]
    public async Task Deleting_a_tag_keeps_the_manifest()
    {
        var repository = RegistryRequests.NewRepository();
        var manifest = await Registry.PushImageAsync(repository, "tag-only");

        using var delete = await Registry.SendAsync(HttpMethod.Delete, $"/v2/{repository}/manifests/tag-only");
        using var byTag = await Registry.Client.GetAsync($"/v2/{repository}/manifests/tag-only");
        using var byDigest = await Registry.Client.GetAsync($"/v2/{repository}/manifests/{manifest.Digest}");

        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byTag.StatusCode);
        Assert.Equal(HttpStatusCode.OK, byDigest.StatusCode);
    }

    [Fact]
    public async Task Deletes_are_refused_with_405_unless_enabled()
    {
        await using var registry = await RunningRegistry.StartAsync(options => options.Storage.Delete.Enabled = false);
        var repository = RegistryRequests.NewRepository();
        var manifest = await registry.PushImageAsync(repository, "kept");

        using var delete = await registry.SendAsync(HttpMethod.Delete, $"/v2/{repository}/manifests/{manifest.Digest}");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        Assert.Equal("UNSUPPORTED", await delete.ErrorCodeAsync());
    }

    [Fact]
    public async Task Concurrent_pushes_of_one_tag_leave_it_pointing_at_one_of_them()
    {
        var repository = RegistryRequests.NewRepository();
        var pushes = Enumerable.Range(0, 8).Select(i => Registry.PushImageAsync(repository, "race", $"layer {i}")).ToList();
        var manifests = await Task.WhenAll(pushes);

        using var get = await Registry.Client.GetAsync($"/v2/{repository}/manifests/race");

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Contains(get.Header("Docker-Content-Digest"), manifests.Select(m => m.Digest.ToString()));
    }

    /// <summary>A manifest whose config is pushed and whose one layer, of <paramref name="mediaType"/>, is not.</summary>
    private async Task<Manifest> ManifestWithMissingLayerAsync(string repository, string mediaType, IReadOnlyList<string>? urls)
    {
        var config = "{}"u8.ToArray();
        await Registry.PushBlobAsync(repository, config);
        return Manifest.Create(new ImageManifest
        {
            Config = Descriptor.For(config, MediaTypes.OciConfig),
            Layers = [Descriptor.For(Encoding.UTF8.GetBytes("a layer kept elsewhere " + mediaType), mediaType) with { Urls = urls }],
        });
    }
}
