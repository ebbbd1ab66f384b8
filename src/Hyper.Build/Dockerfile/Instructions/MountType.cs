namespace Hyper.Build.Dockerfile.Instructions;

/// <summary><c>RUN --mount=type=…</c>.</summary>
public enum MountType
{
    /// <summary>Files from the build context or another stage or image (the default).</summary>
    Bind,

    /// <summary>A directory kept between builds, e.g. a package manager's cache.</summary>
    Cache,

    /// <summary>An empty in-memory file system.</summary>
    Tmpfs,

    /// <summary>A secret file or environment variable, never stored in the image.</summary>
    Secret,

    /// <summary>An SSH agent socket.</summary>
    Ssh,
}
