namespace Hyper.Build.Images;

/// <summary>Where a built image goes (<c>--output type=…</c>).</summary>
public enum OutputType
{
    /// <summary>An OCI image layout: a directory, or a tar of one when the destination ends in <c>.tar</c>.</summary>
    Oci,

    /// <summary>A docker archive (<c>docker save</c> format) that <c>docker load</c> and <c>podman load</c> read.</summary>
    Docker,

    /// <summary>The image's root filesystem, unpacked into a directory.</summary>
    Local,

    /// <summary>A registry (<c>--push</c>).</summary>
    Registry,
}
