namespace Hyper.Oci;

/// <summary>The pre-defined annotation keys of the image-spec (annotations.md) that Hyper uses.</summary>
public static class AnnotationKeys
{
    /// <summary>The tag of a manifest in an OCI layout's index.json.</summary>
    public const string RefName = "org.opencontainers.image.ref.name";
    public const string Created = "org.opencontainers.image.created";
    public const string Title = "org.opencontainers.image.title";
    public const string BaseName = "org.opencontainers.image.base.name";
    public const string BaseDigest = "org.opencontainers.image.base.digest";

    /// <summary>containerd's annotation for the full image name in an OCI layout (used by docker save).</summary>
    public const string ContainerdImageName = "io.containerd.image.name";
}
