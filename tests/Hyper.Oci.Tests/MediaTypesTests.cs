namespace Hyper.Oci.Tests;

public sealed class MediaTypesTests
{
    [Theory]
    [InlineData(MediaTypes.OciLayer, LayerCompression.None)]
    [InlineData(MediaTypes.OciLayerGzip, LayerCompression.Gzip)]
    [InlineData(MediaTypes.OciLayerZstd, LayerCompression.Zstd)]
    [InlineData(MediaTypes.DockerLayer, LayerCompression.None)]
    [InlineData(MediaTypes.DockerLayerGzip, LayerCompression.Gzip)]
    [InlineData(MediaTypes.DockerForeignLayer, LayerCompression.Gzip)]
    [InlineData(MediaTypes.OciNonDistributableLayerZstd, LayerCompression.Zstd)]
    public void Layer_types_know_their_compression(string mediaType, LayerCompression compression)
    {
        Assert.True(MediaTypes.IsLayer(mediaType));
        Assert.Equal(compression, MediaTypes.LayerCompressionOf(mediaType));
    }

    [Theory]
    [InlineData(MediaTypes.OciManifest, true, false)]
    [InlineData(MediaTypes.DockerManifest, true, false)]
    [InlineData(MediaTypes.OciIndex, false, true)]
    [InlineData(MediaTypes.DockerManifestList, false, true)]
    [InlineData(MediaTypes.OciConfig, false, false)]
    [InlineData("application/json", false, false)]
    [InlineData(null, false, false)]
    public void Manifest_and_index_types_are_told_apart(string? mediaType, bool isImage, bool isIndex)
    {
        Assert.Equal(isImage, MediaTypes.IsImageManifest(mediaType));
        Assert.Equal(isIndex, MediaTypes.IsIndex(mediaType));
        Assert.Equal(isImage || isIndex, MediaTypes.IsManifest(mediaType));
        Assert.False(MediaTypes.IsLayer(mediaType));
    }

    [Theory]
    [InlineData(LayerCompression.Gzip, false, MediaTypes.OciLayerGzip)]
    [InlineData(LayerCompression.Zstd, false, MediaTypes.OciLayerZstd)]
    [InlineData(LayerCompression.None, true, MediaTypes.DockerLayer)]
    [InlineData(LayerCompression.Gzip, true, MediaTypes.DockerLayerGzip)]
    public void Layer_type_is_chosen_by_compression_and_format(LayerCompression compression, bool docker, string expected)
    {
        Assert.Equal(expected, MediaTypes.LayerType(compression, docker));
    }

    [Theory]
    [InlineData("Application/Vnd.Oci.Image.Manifest.V1+Json", MediaTypes.OciManifest)]
    [InlineData("APPLICATION/VND.DOCKER.DISTRIBUTION.MANIFEST.LIST.V2+JSON", MediaTypes.DockerManifestList)]
    [InlineData(MediaTypes.OciLayerGzip, MediaTypes.OciLayerGzip)]
    [InlineData("Application/Vnd.Example.Unknown", "Application/Vnd.Example.Unknown")]
    public void Canonical_spells_a_known_type_as_its_constant_whatever_its_case(string mediaType, string expected)
    {
        Assert.Equal(expected, MediaTypes.Canonical(mediaType));
    }

    [Fact]
    public void Every_test_ignores_case()
    {
        Assert.True(MediaTypes.IsImageManifest("Application/Vnd.Oci.Image.Manifest.V1+Json"));
        Assert.True(MediaTypes.IsIndex("application/VND.OCI.IMAGE.INDEX.V1+JSON"));
        Assert.True(MediaTypes.IsImageConfig("Application/Vnd.Docker.Container.Image.V1+Json"));
        Assert.True(MediaTypes.IsNonDistributableLayer("Application/Vnd.Docker.Image.Rootfs.Foreign.Diff.Tar.Gzip"));
        Assert.Equal(LayerCompression.Zstd, MediaTypes.LayerCompressionOf("application/vnd.oci.image.layer.v1.TAR+ZSTD"));
        Assert.True(MediaTypes.Equal("application/vnd.example.SBOM", "Application/Vnd.Example.Sbom"));
        Assert.False(MediaTypes.Equal("application/vnd.example.sbom", null));
    }

    [Theory]
    [InlineData(MediaTypes.OciNonDistributableLayer, true)]
    [InlineData(MediaTypes.OciNonDistributableLayerGzip, true)]
    [InlineData(MediaTypes.OciNonDistributableLayerZstd, true)]
    [InlineData(MediaTypes.DockerForeignLayer, true)]
    [InlineData(MediaTypes.OciLayerGzip, false)]
    [InlineData(MediaTypes.DockerLayerGzip, false)]
    [InlineData(MediaTypes.OciConfig, false)]
    public void Only_foreign_layer_types_are_non_distributable(string mediaType, bool nonDistributable)
    {
        Assert.Equal(nonDistributable, MediaTypes.IsNonDistributableLayer(mediaType));
    }

    [Fact]
    public void Empty_json_descriptor_describes_the_two_bytes_of_an_empty_object()
    {
        Assert.Equal(MediaTypes.OciEmptyJson, Descriptor.EmptyJson.MediaType);
        Assert.Equal(2, Descriptor.EmptyJson.Size);
        Assert.Equal("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", Descriptor.EmptyJson.Digest.ToString());
    }
}
