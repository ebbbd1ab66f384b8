using System.Text;

using Hyper.Oci.Layout;

namespace Hyper.Oci.Tests.Schema;

/// <summary>What Hyper writes, checked against the image-spec's own JSON Schemas.</summary>
public sealed class OciSchemaValidationTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_oci_layout_file_we_write_is_valid()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));

        await OciSchemas.AssertValidAsync(OciSchemas.ImageLayout, await File.ReadAllBytesAsync(Path.Combine(layout.Path, "oci-layout")));
    }

    [Fact]
    public async Task An_empty_layout_index_is_a_valid_image_index()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));

        await OciSchemas.AssertValidAsync(OciSchemas.ImageIndex, await File.ReadAllBytesAsync(Path.Combine(layout.Path, "index.json")));
    }

    [Fact]
    public async Task A_layout_index_with_tags_platforms_and_an_index_entry_is_a_valid_image_index()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var first = await TestImages.WriteAsync(layout, "latest");
        var second = await TestImages.WriteAsync(layout, tag: null, name: "second");
        await layout.AddManifestAsync(second.Manifest, "example.com/app:2", Platform.Parse("linux/arm64/v8"));
        var multi = Manifest.Create(new ImageIndex
        {
            Manifests = [first.Manifest.ToDescriptor(platform: Platform.Parse("linux/amd64"))],
        });
        await layout.AddManifestAsync(multi, "multi");

        await OciSchemas.AssertValidAsync(OciSchemas.ImageIndex, await File.ReadAllBytesAsync(Path.Combine(layout.Path, "index.json")));
    }

    [Theory]
    [InlineData(LayerCompression.Gzip)]
    [InlineData(LayerCompression.Zstd)]
    [InlineData(LayerCompression.None)]
    public async Task The_test_image_manifest_and_config_are_valid(LayerCompression compression)
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest", compression: compression);

        await OciSchemas.AssertValidAsync(OciSchemas.ImageManifest, image.Manifest.Bytes);
        await OciSchemas.AssertValidAsync(OciSchemas.Config, image.ConfigBytes);
    }

    [Fact]
    public async Task A_manifest_with_subject_artifact_type_annotations_and_embedded_data_is_valid()
    {
        var layer = Descriptor.For("signature"u8, "application/vnd.example.signature.v1+json") with
        {
            Annotations = new Dictionary<string, string> { [AnnotationKeys.Title] = "sig.json" },
            Urls = ["https://example.com/blobs/sig"],
        };
        var manifest = Manifest.Create(new ImageManifest
        {
            ArtifactType = "application/vnd.example.signature.v1",
            Config = Descriptor.EmptyJson,
            Layers = [layer],
            Subject = Descriptor.For("{}"u8, MediaTypes.OciManifest),
            Annotations = new Dictionary<string, string> { [AnnotationKeys.Created] = "2024-01-02T03:04:05Z" },
        });

        await OciSchemas.AssertValidAsync(OciSchemas.ImageManifest, manifest.Bytes);
    }

    [Fact]
    public async Task A_plain_manifest_without_optional_fields_is_valid()
    {
        var manifest = Manifest.Create(new ImageManifest
        {
            Config = Descriptor.For("{}"u8, MediaTypes.OciConfig),
            Layers = [Descriptor.For("layer"u8, MediaTypes.OciLayerGzip)],
        });

        await OciSchemas.AssertValidAsync(OciSchemas.ImageManifest, manifest.Bytes);
    }

    [Fact]
    public async Task An_image_index_with_platforms_annotations_subject_and_artifact_type_is_valid()
    {
        var amd64 = Descriptor.For("amd64"u8, MediaTypes.OciManifest) with { Platform = Platform.Parse("linux/amd64") };
        var arm = Descriptor.For("arm"u8, MediaTypes.OciManifest) with
        {
            Platform = new Platform { OS = "linux", Architecture = "arm", Variant = "v7", OSVersion = "6.1", OSFeatures = ["f"] },
            Annotations = new Dictionary<string, string> { [AnnotationKeys.RefName] = "arm" },
        };
        var index = Manifest.Create(new ImageIndex
        {
            ArtifactType = "application/vnd.example.bundle.v1",
            Manifests = [amd64, arm],
            Subject = Descriptor.For("{}"u8, MediaTypes.OciManifest),
            Annotations = new Dictionary<string, string> { [AnnotationKeys.Created] = "2024-01-02T03:04:05Z" },
        });

        await OciSchemas.AssertValidAsync(OciSchemas.ImageIndex, index.Bytes);
    }

    [Fact]
    public async Task A_config_with_every_field_set_is_valid()
    {
        var config = TestImages.FullConfig([Digest.Compute("layer"u8)]);
        var json = config.ToJson();

        await OciSchemas.AssertValidAsync(OciSchemas.Config, json);
        // Everything set was written, and reads back the same.
        var text = Encoding.UTF8.GetString(json);
        foreach (var field in new[] { "Healthcheck", "OnBuild", "Shell", "StopSignal", "ExposedPorts", "Volumes", "Labels", "empty_layer", "os.features", "variant" })
        {
            Assert.Contains($"\"{field}\"", text, StringComparison.Ordinal);
        }

        Assert.Equal(json, ImageConfig.Parse(json).ToJson());
    }

    [Fact]
    public async Task A_manifest_read_from_a_docker_archive_is_valid()
    {
        var source = await OciLayout.CreateAsync(_temp.Combine("source"));
        var image = await TestImages.WriteAsync(source, "latest");
        await DockerArchive.WriteAsync(source, image.Manifest, ["app:1"], _temp.Combine("docker.tar"));
        var destination = await OciLayout.CreateAsync(_temp.Combine("destination"));

        var read = await DockerArchive.ReadIntoAsync(_temp.Combine("docker.tar"), destination, tag: "app");

        await OciSchemas.AssertValidAsync(OciSchemas.ImageManifest, read.Bytes);
        await OciSchemas.AssertValidAsync(OciSchemas.ImageIndex, await File.ReadAllBytesAsync(Path.Combine(destination.Path, "index.json")));
    }

    /// <summary>The validation is real: each document breaks one rule, and the schema names it.</summary>
    [Theory]
    [InlineData(OciSchemas.ImageManifest, """{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":"2"},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}]}""", "IntegerExpected: #/config.size")]
    [InlineData(OciSchemas.ImageManifest, """{"schemaVersion":2,"config":{"mediaType":"not a media type","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2}]}""", "PatternMismatch: #/config.mediaType")]
    [InlineData(OciSchemas.ImageManifest, """{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"annotations":{"n":1}}]}""", "StringExpected: #/layers[0].annotations.n")]
    [InlineData(OciSchemas.ImageManifest, """{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}""", "TooFewItems: #/layers")]
    [InlineData(OciSchemas.ImageIndex, """{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"no-digest","size":2}]}""", "PatternMismatch: #/manifests[0].digest")]
    [InlineData(OciSchemas.ImageIndex, """{"schemaVersion":1,"manifests":[]}""", "NumberTooSmall: #/schemaVersion")]
    [InlineData(OciSchemas.ImageLayout, """{"imageLayoutVersion":"2.0.0"}""", "NotInEnumeration: #/imageLayoutVersion")]
    [InlineData(OciSchemas.Config, """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers"}}""", "PropertyRequired: #/rootfs.diff_ids")]
    [InlineData(OciSchemas.Config, """{"architecture":"amd64","os":"linux","created":"yesterday","rootfs":{"type":"layers","diff_ids":[]}}""", "DateTimeExpected: #/created")]
    public async Task An_invalid_document_is_caught_by_the_schema(string schema, string json, string expectedError)
    {
        var errors = await OciSchemas.ValidateAsync(schema, Encoding.UTF8.GetBytes(json));

        Assert.Contains(errors, error => error.Contains(expectedError, StringComparison.Ordinal));
    }
}
