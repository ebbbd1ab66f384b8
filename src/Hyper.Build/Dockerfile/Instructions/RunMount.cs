namespace Hyper.Build.Dockerfile.Instructions;

/// <summary>One <c>RUN --mount</c>, with the defaults BuildKit applies (e.g. bind mounts read-only).</summary>
public sealed record RunMount
{
    public MountType Type { get; init; } = MountType.Bind;

    /// <summary>A stage name or image to mount from; null means the build context (bind) or an empty directory (cache).</summary>
    public string? From { get; init; }

    public string? Source { get; init; }

    public string? Target { get; init; }

    public bool ReadOnly { get; init; }

    /// <summary>Size limit of a tmpfs mount in bytes; 0 for none.</summary>
    public long SizeLimit { get; init; }

    /// <summary>The cache ID of a cache mount, or the secret or SSH ID.</summary>
    public string? Id { get; init; }

    /// <summary>Null when not written; cache mounts then share.</summary>
    public MountSharing? Sharing { get; init; }

    /// <summary>For secret and SSH mounts: fail when the secret or socket is not provided.</summary>
    public bool Required { get; init; }

    /// <summary>For secret mounts: also (or only) expose the secret as this environment variable.</summary>
    public string? Env { get; init; }

    public uint? Mode { get; init; }

    public uint? Uid { get; init; }

    public uint? Gid { get; init; }

    /// <summary>
    /// The ID a secret mount asks for: <c>source</c>, else <c>id</c>, else the file name of <c>target</c>.
    /// </summary>
    public string? SecretId
    {
        get
        {
            if (Type != MountType.Secret)
            {
                return null;
            }

            if (!string.IsNullOrEmpty(Source))
            {
                return Source;
            }

            return !string.IsNullOrEmpty(Id) ? Id : string.IsNullOrEmpty(Target) ? null : System.IO.Path.GetFileName(Target.TrimEnd('/'));
        }
    }

    /// <summary>The ID an SSH mount asks for; <c>default</c> when none is written.</summary>
    public string? SshId => Type != MountType.Ssh ? null : string.IsNullOrEmpty(Id) ? "default" : Id;
}
