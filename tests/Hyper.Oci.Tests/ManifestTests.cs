using System.Text;
using System.Text.Json;

namespace Hyper.Oci.Tests;

public sealed class ManifestTests
{
    private const string ConfigDigest = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    private const string LayerDigest = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>Odd spacing, unusual key order and fields no spec defines: all must survive.</summary>
    private const string ManifestWithUnknownFields = """
        {
           "schemaVersion" : 2,
          "x-vendor": {"nested": [1, 2.50, "\u00e9"]},
          "mediaType": "application/vnd.oci.image.manifest.v1+json",
          "layers": [ {"digest": "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "size": 0,
                       "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "x-layer-note": true} ],
          "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2,
                     "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},
          "annotations": {"b": "2", "a": "1"}
        }

        """;

    [Fact]
    public void Manifest_with_unknown_fields_keeps_its_exact_bytes_and_digest()
    {
        var bytes = Encoding.UTF8.GetBytes(ManifestWithUnknownFields);

        var manifest = Manifest.Parse(bytes);

        Assert.Equal(bytes, manifest.Bytes.ToArray());
        Assert.Equal(Digest.Compute(bytes), manifest.Digest);
        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
        Assert.Equal(ConfigDigest, manifest.Image!.Config.Digest.ToString());
        Assert.True(manifest.Image.UnknownFields!.ContainsKey("x-vendor"));
        Assert.True(manifest.Image.Layers[0].UnknownFields!.ContainsKey("x-layer-note"));
    }

    [Fact]
    public void Manifest_round_trips_byte_exactly_through_parse_and_bytes_many_times()
    {
        var bytes = Encoding.UTF8.GetBytes(ManifestWithUnknownFields);

        var again = Manifest.Parse(Manifest.Parse(Manifest.Parse(bytes).Bytes.Span).Bytes.Span);

        Assert.Equal(bytes, again.Bytes.ToArray());
    }

    [Fact]
    public void Reserializing_the_parsed_view_keeps_unknown_fields()
    {
        var parsed = Manifest.Parse(Encoding.UTF8.GetBytes(ManifestWithUnknownFields));

        var rewritten = Manifest.Create(parsed.Image!);

        using var json = JsonDocument.Parse(rewritten.Bytes);
        Assert.Equal("2.50", json.RootElement.GetProperty("x-vendor").GetProperty("nested")[1].GetRawText());
        Assert.True(json.RootElement.GetProperty("layers")[0].GetProperty("x-layer-note").GetBoolean());
    }

    [Fact]
    public void Created_manifest_is_compact_and_does_not_escape_plus_signs()
    {
        var manifest = Manifest.Create(new ImageManifest
        {
            Config = Descriptor.For("{}"u8, MediaTypes.OciConfig),
            Layers = [new Descriptor { MediaType = MediaTypes.OciLayerGzip, Digest = Digest.Parse(LayerDigest), Size = 0 }],
        });

        var text = Encoding.UTF8.GetString(manifest.Bytes.Span);
        Assert.StartsWith("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{""", text, StringComparison.Ordinal);
        Assert.Contains("tar+gzip", text, StringComparison.Ordinal);
        Assert.DoesNotContain("subject", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Subject_and_artifact_type_are_exposed_for_referrers()
    {
        var subject = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = Digest.Parse(LayerDigest), Size = 7 };
        var manifest = Manifest.Create(new ImageManifest
        {
            ArtifactType = "application/vnd.example.sbom",
            Config = Descriptor.EmptyJson,
            Layers = [Descriptor.EmptyJson],
            Subject = subject,
            Annotations = new Dictionary<string, string> { ["org.example"] = "yes" },
        });

        var parsed = Manifest.Parse(manifest.Bytes.Span);

        Assert.Equal(subject.Digest, parsed.Subject!.Digest);
        Assert.Equal("application/vnd.example.sbom", parsed.ArtifactType);
        Assert.Equal("yes", parsed.Annotations!["org.example"]);
        Assert.Equal("application/vnd.example.sbom", parsed.ToDescriptor().ArtifactType);
    }

    [Fact]
    public void Artifact_type_of_an_image_manifest_without_one_is_its_config_media_type()
    {
        var manifest = Manifest.Create(new ImageManifest { Config = Descriptor.For("{}"u8, "application/vnd.example.config"), Layers = [] });

        Assert.Equal("application/vnd.example.config", manifest.ArtifactType);
    }

    [Fact]
    public void Blobs_of_an_image_manifest_are_its_config_then_layers()
    {
        var manifest = Manifest.Parse(Encoding.UTF8.GetBytes(ManifestWithUnknownFields));

        Assert.Equal([ConfigDigest, LayerDigest], manifest.Blobs.Select(d => d.Digest.ToString()));
        Assert.Empty(manifest.Children);
    }

    [Fact]
    public void Index_lists_its_children_with_platforms()
    {
        var child = Manifest.Create(new ImageManifest { Config = Descriptor.EmptyJson, Layers = [] });
        var index = Manifest.Create(new ImageIndex
        {
            Manifests = [child.ToDescriptor(platform: Platform.Parse("linux/arm64/v8"))],
        });

        var parsed = Manifest.Parse(index.Bytes.Span, MediaTypes.OciIndex);

        Assert.Equal(MediaTypes.OciIndex, parsed.MediaType);
        Assert.Equal(child.Digest, Assert.Single(parsed.Children).Digest);
        Assert.Equal("linux/arm64/v8", parsed.Children[0].Platform!.ToString());
        Assert.Empty(parsed.Blobs);
    }

    [Theory]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}""", MediaTypes.DockerManifest)]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[]}""", MediaTypes.DockerManifestList)]
    [InlineData("""{"schemaVersion":2,"manifests":[]}""", MediaTypes.OciIndex)]
    [InlineData("""{"schemaVersion":2,"config":{"mediaType":"a/b","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}""", MediaTypes.OciManifest)]
    public void Media_type_comes_from_the_document_or_its_shape(string json, string expected)
    {
        Assert.Equal(expected, Manifest.Parse(Encoding.UTF8.GetBytes(json)).MediaType);
    }

    [Fact]
    public void Unknown_json_media_types_are_kept_opaque()
    {
        var bytes = """{"hello":"world"}"""u8.ToArray();

        var manifest = Manifest.Parse(bytes, "application/vnd.example.thing+json");

        Assert.Equal("application/vnd.example.thing+json", manifest.MediaType);
        Assert.Null(manifest.Image);
        Assert.Null(manifest.Index);
        Assert.Empty(manifest.Blobs);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("""{"schemaVersion":2,"manifests":[]} {}""", "not valid JSON")]
    [InlineData("""{"schemaVersion":1,"manifests":[]}""", "schemaVersion is 1, expected 2")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}""", "config")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a/b","size":2,"digest":"sha256:abc"},"layers":[]}""", "expected 64 hex digits")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a/b","size":"2","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}""", "size")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a/b","size":-1,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}""", "negative")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a/b","size":3,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","data":"e30="},"layers":[]}""", "embedded data does not match")]
    [InlineData("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[null]}""", "index entry 0 is null")]
    [InlineData("""{"schemaVersion":2,"mediaType":7}""", "mediaType must be a string")]
    [InlineData("""{"schemaVersion":1,"mediaType":"application/vnd.docker.distribution.manifest.v1+prettyjws"}""", "schema 1")]
    [InlineData("""{"schemaVersion":2}""", "no mediaType")]
    public void Malformed_manifests_are_rejected_with_the_reason(string json, string expectedMessage)
    {
        var error = Assert.Throws<InvalidOciDocumentException>(() => Manifest.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(expectedMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Media_type_field_that_contradicts_the_content_type_is_rejected()
    {
        var json = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"""u8.ToArray();

        var error = Assert.Throws<InvalidOciDocumentException>(() => Manifest.Parse(json, MediaTypes.OciManifest));

        Assert.Contains("does not match its content type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_given_with_a_case_variant_content_type_is_parsed_as_that_type()
    {
        var json = """{"schemaVersion":2,"config":{"mediaType":"a/b","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}"""u8.ToArray();

        var manifest = Manifest.Parse(json, "Application/Vnd.Oci.Image.Manifest.V1+Json");

        Assert.Equal(MediaTypes.OciManifest, manifest.MediaType);
        Assert.NotNull(manifest.Image);
        Assert.Single(manifest.Blobs);
    }

    [Fact]
    public void Media_type_field_and_content_type_that_differ_only_in_case_agree()
    {
        var json = """{"schemaVersion":2,"mediaType":"Application/Vnd.Oci.Image.Index.V1+Json","manifests":[]}"""u8.ToArray();

        var manifest = Manifest.Parse(json, MediaTypes.OciIndex);

        Assert.Equal(MediaTypes.OciIndex, manifest.MediaType);
        Assert.NotNull(manifest.Index);
    }

    [Fact]
    public void Docker_manifest_without_its_media_type_field_is_rejected()
    {
        var json = """{"schemaVersion":2,"config":{"mediaType":"a/b","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}"""u8.ToArray();

        Assert.Throws<InvalidOciDocumentException>(() => Manifest.Parse(json, MediaTypes.DockerManifest + "; charset=utf-8"));
    }

    [Fact]
    public void Sha512_digest_of_a_manifest_is_over_the_same_bytes()
    {
        var manifest = Manifest.Create(new ImageIndex { Manifests = [] });

        Assert.Equal(Digest.Compute(manifest.Bytes.Span, Digest.Sha512), manifest.ComputeDigest(Digest.Sha512));
    }
}
