using System.Collections.Frozen;

namespace Hyper.Oci;

/// <summary>
/// The media types of the OCI image-spec and of Docker's image format (schema 2), and the one place they are
/// compared. Media types are case-insensitive (RFC 6838, section 4.2), so every test here ignores case, and
/// code elsewhere compares through <see cref="Equal"/>, the Is… tests or <see cref="Canonical"/> rather than
/// with <c>==</c>, <c>is</c> or <c>switch</c> on the constants.
/// </summary>
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

    /// <summary>Every type named here, by any spelling, to its constant.</summary>
    private static readonly FrozenDictionary<string, string> Known = new[]
    {
        OciManifest, OciIndex, OciConfig, OciLayout, OciLayer, OciLayerGzip, OciLayerZstd,
        OciNonDistributableLayer, OciNonDistributableLayerGzip, OciNonDistributableLayerZstd, OciEmptyJson,
        DockerManifest, DockerManifestList, DockerConfig, DockerLayer, DockerLayerGzip, DockerLayerZstd,
        DockerForeignLayer, DockerPluginConfig, DockerSchema1Manifest, DockerSchema1SignedManifest,
    }.ToFrozenDictionary(type => type, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> name the same media type (ignoring case).</summary>
    public static bool Equal(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The constant spelling of a type named here (e.g. <see cref="OciManifest"/> for
    /// <c>Application/Vnd.Oci.Image.Manifest.V1+Json</c>); any other type unchanged.
    /// </summary>
    public static string? Canonical(string? mediaType) =>
        mediaType is not null && Known.TryGetValue(mediaType, out var known) ? known : mediaType;

    /// <summary>True for single-image manifests (OCI or Docker schema 2).</summary>
    public static bool IsImageManifest(string? mediaType) => Canonical(mediaType) is OciManifest or DockerManifest;

    /// <summary>True for manifests that list other manifests (OCI index or Docker manifest list).</summary>
    public static bool IsIndex(string? mediaType) => Canonical(mediaType) is OciIndex or DockerManifestList;

    /// <summary>True for any manifest type this library parses.</summary>
    public static bool IsManifest(string? mediaType) => IsImageManifest(mediaType) || IsIndex(mediaType);

    /// <summary>True for image configurations (OCI or Docker).</summary>
    public static bool IsImageConfig(string? mediaType) => Canonical(mediaType) is OciConfig or DockerConfig;

    /// <summary>True for filesystem layers, in any of the compressions both formats define.</summary>
    public static bool IsLayer(string? mediaType) => LayerCompressionOf(mediaType) is not null;

    /// <summary>
    /// True for non-distributable ("foreign") layers, the only descriptors whose <c>urls</c> say where the
    /// content is instead of the registry.
    /// </summary>
    public static bool IsNonDistributableLayer(string? mediaType) => Canonical(mediaType)
        is OciNonDistributableLayer or OciNonDistributableLayerGzip or OciNonDistributableLayerZstd or DockerForeignLayer;

    /// <summary>The compression of a layer media type, or null when it is not a layer type.</summary>
    public static LayerCompression? LayerCompressionOf(string? mediaType) => Canonical(mediaType) switch
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
