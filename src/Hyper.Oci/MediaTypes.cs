namespace Hyper.Oci;

/// <summary>The media types of the OCI image-spec and of Docker's image format (schema 2).</summary>
public static class MediaTypes
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string OciLayout = "application/vnd.oci.layout.header.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar";
    public const string OciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string OciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
    public const string OciNonDistributableLayer = "application/vnd.oci.image.layer.nondistributable.v1.tar";
    public const string OciNonDistributableLayerGzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
    public const string OciNonDistributableLayerZstd = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

    /// <summary>The empty JSON object <c>{}</c>, used as config or layer of artifacts.</summary>
    public const string OciEmptyJson = "application/vnd.oci.empty.v1+json";

    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
    public const string DockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string DockerLayerZstd = "application/vnd.docker.image.rootfs.diff.tar.zstd";
    public const string DockerForeignLayer = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
    public const string DockerPluginConfig = "application/vnd.docker.plugin.v1+json";

    /// <summary>Schema 1 is obsolete; it is named only so that it can be recognised and refused.</summary>
    public const string DockerSchema1Manifest = "application/vnd.docker.distribution.manifest.v1+json";
    public const string DockerSchema1SignedManifest = "application/vnd.docker.distribution.manifest.v1+prettyjws";

    /// <summary>True for single-image manifests (OCI or Docker schema 2).</summary>
    public static bool IsImageManifest(string? mediaType) => mediaType is OciManifest or DockerManifest;

    /// <summary>True for manifests that list other manifests (OCI index or Docker manifest list).</summary>
    public static bool IsIndex(string? mediaType) => mediaType is OciIndex or DockerManifestList;

    /// <summary>True for any manifest type this library parses.</summary>
    public static bool IsManifest(string? mediaType) => IsImageManifest(mediaType) || IsIndex(mediaType);

    /// <summary>True for filesystem layers, in any of the compressions both formats define.</summary>
    public static bool IsLayer(string? mediaType) => LayerCompressionOf(mediaType) is not null;

    /// <summary>The compression of a layer media type, or null when it is not a layer type.</summary>
    public static LayerCompression? LayerCompressionOf(string? mediaType) => mediaType switch
    {
        OciLayer or OciNonDistributableLayer or DockerLayer => LayerCompression.None,
        OciLayerGzip or OciNonDistributableLayerGzip or DockerLayerGzip or DockerForeignLayer => LayerCompression.Gzip,
        OciLayerZstd or OciNonDistributableLayerZstd or DockerLayerZstd => LayerCompression.Zstd,
        _ => null,
    };

    /// <summary>The layer media type for <paramref name="compression"/> in the OCI or Docker format.</summary>
    public static string LayerType(LayerCompression compression, bool docker = false) => (compression, docker) switch
    {
        (LayerCompression.None, false) => OciLayer,
        (LayerCompression.Gzip, false) => OciLayerGzip,
        (LayerCompression.Zstd, false) => OciLayerZstd,
        (LayerCompression.None, true) => DockerLayer,
        (LayerCompression.Gzip, true) => DockerLayerGzip,
        (LayerCompression.Zstd, true) => DockerLayerZstd,
        _ => throw new ArgumentOutOfRangeException(nameof(compression), compression, "unknown layer compression"),
    };
}
