namespace Hyper.Distribution;

/// <summary>Where an image lives, named as skopeo names its transports.</summary>
public enum ImageTransport
{
    /// <summary><c>docker://host/repo:tag</c> or a plain reference: a registry.</summary>
    Registry,

    /// <summary><c>oci:dir[:tag]</c>: an OCI image layout directory.</summary>
    OciLayout,

    /// <summary><c>oci-archive:file.tar[:tag]</c>: a tar of an OCI image layout.</summary>
    OciArchive,

    /// <summary><c>docker-archive:file.tar[:repo:tag]</c>: the tar <c>docker save</c> writes.</summary>
    DockerArchive,

    /// <summary>
    /// <c>hyperbuild-storage:name-or-id</c>: hyperbuild's local image store (what <c>hyperbuild images</c> lists), as
    /// podman names its own <c>containers-storage:</c>. Whoever runs the command opens the store: this library knows none.
    /// </summary>
    LocalStore,
}
