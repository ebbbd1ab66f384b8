namespace Hyper.Distribution.Registry;

/// <summary>How a <see cref="RegistryClient"/> reaches registries.</summary>
public sealed class RegistryClientOptions
{
    /// <summary>The largest manifest accepted, 4 MiB as containerd allows: a manifest is read whole into memory.</summary>
    public const int DefaultMaxManifestSize = 4 * 1024 * 1024;

    /// <summary>
    /// Registries spoken to over plain HTTP, by host (<c>registry.local</c>) or host and port
    /// (<c>registry.local:5000</c>). <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c> always are.
    /// </summary>
    public ISet<string> InsecureRegistries { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Credentials for registries that ask; null means anonymous access everywhere.</summary>
    public IRegistryCredentialProvider? Credentials { get; set; }

    public int MaxManifestSize { get; set; } = DefaultMaxManifestSize;

    /// <summary>How long to wait for a TCP (and TLS) connection before giving up on a registry.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public string UserAgent { get; set; } = "hyper/0.1";
}
