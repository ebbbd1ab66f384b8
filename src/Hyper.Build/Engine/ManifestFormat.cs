namespace Hyper.Build.Engine;

/// <summary>The media types an image is written with (<c>--format</c>).</summary>
public enum ManifestFormat
{
    /// <summary>OCI image manifest, config and layer media types: the default, as BuildKit's.</summary>
    Oci,

    /// <summary>Docker image manifest v2 schema 2, for registries and tools that want it.</summary>
    Docker,
}
