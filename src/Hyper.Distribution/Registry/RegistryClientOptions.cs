namespace Hyper.Distribution.Registry;

/// <summary>How a <see cref="RegistryClient"/> reaches registries.</summary>
public sealed class RegistryClientOptions
{
    /// <summary>The largest manifest accepted, 4 MiB as containerd allows: a manifest is read whole into memory.</summary>
    public const int DefaultMaxManifestSize = 4 * 1024 * 1024;

    /// <summary>16 MiB; see <see cref="UploadChunkSize"/>.</summary>
    public const long DefaultUploadChunkSize = 16 * 1024 * 1024;

    /// <summary>Five retries with doubling waits ride out about a minute of trouble before giving up.</summary>
    public const int DefaultMaxRetries = 5;

    /// <summary>
    /// Two minutes; see <see cref="ReadTimeout"/>. Long enough for a registry on an object store to answer the PUT that
    /// completes a multi-gigabyte upload (it copies the object before it answers), short enough that a stuck connection
    /// is noticed and tried again.
    /// </summary>
    public static readonly TimeSpan DefaultReadTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Two minutes; see <see cref="MaxRetryAfter"/>.</summary>
    public static readonly TimeSpan DefaultMaxRetryAfter = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Registries spoken to over plain HTTP, by host (<c>registry.local</c>) or host and port
    /// (<c>registry.local:5000</c>). <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c> are too, unless
    /// listed in <see cref="HttpsRegistries"/>.
    /// </summary>
    public ISet<string> InsecureRegistries { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Loopback registries (host or host:port) that serve HTTPS: a local registry with TLS.</summary>
    public ISet<string> HttpsRegistries { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Registries (host or host:port) spoken to over HTTPS without verifying their certificate, as
    /// podman's <c>--tls-verify=false</c>: for a registry with a self-signed certificate on a trusted network.
    /// It does not make a loopback registry use HTTPS (see <see cref="HttpsRegistries"/>), so the flag
    /// copied from a podman command line still works against a local plain-HTTP registry.
    /// </summary>
    public ISet<string> TlsVerificationSkipped { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>PEM files of CA certificates trusted, besides the system's, to sign any registry's certificate.</summary>
    public IList<string> CertificateAuthorityFiles { get; } = [];

    /// <summary>
    /// Directories holding one directory per registry (<c>host:port</c>, or <c>host</c> for port 443)
    /// whose <c>*.crt</c> files are CA certificates trusted for that registry, as docker and podman
    /// read them. Missing directories are skipped.
    /// </summary>
    public IList<string> CertificateDirectories { get; } = DefaultCertificateDirectories();

    /// <summary>Credentials for registries that ask; null means anonymous access everywhere.</summary>
    public IRegistryCredentialProvider? Credentials { get; set; }

    public int MaxManifestSize { get; set; } = DefaultMaxManifestSize;

    /// <summary>How long to wait for a TCP (and TLS) connection before giving up on a registry.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public string UserAgent { get; set; } = "hyper/0.1";

    /// <summary>
    /// Blobs larger than this are uploaded in chunks of this size (PATCH with <c>Content-Range</c>), smaller ones
    /// in one PUT. 16 MiB: large enough that per-request overhead is noise even on fast links, small enough that a
    /// broken connection costs at most one chunk on registries that drop a partial chunk (Distribution does), and
    /// within the request-body limits of common proxies and registries in front of object stores.
    /// </summary>
    public long UploadChunkSize { get; set; } = DefaultUploadChunkSize;

    /// <summary>How many times a failed request is tried again: on 5xx, 429, 408 and broken or refused connections. 0 turns retries off.</summary>
    public int MaxRetries { get; set; } = DefaultMaxRetries;

    /// <summary>The wait before the first retry; it doubles for each further one (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two tries, unless the registry asks for longer with <c>Retry-After</c> (see <see cref="MaxRetryAfter"/>).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a request may go without a byte moving either way (the body being sent, the answer's headers, the
    /// answer's body) before it counts as failed, and is tried again as a broken connection is. An idle time-out,
    /// not one for the whole request: a large layer may take as long as it takes while bytes flow.
    /// <see cref="Timeout.InfiniteTimeSpan"/> (or zero) waits for ever.
    /// </summary>
    public TimeSpan ReadTimeout { get; set; } = DefaultReadTimeout;

    /// <summary>
    /// The longest <c>Retry-After</c> obeyed. A registry that asks for a longer wait (a rate limit of a day, say) fails
    /// the request at once, with the wait it asked for in the message, rather than leaving the client hanging.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = DefaultMaxRetryAfter;

    /// <summary>podman's and docker's system directories, then podman's rootless one.</summary>
    private static List<string> DefaultCertificateDirectories()
    {
        var directories = new List<string> { "/etc/containers/certs.d", "/etc/docker/certs.d" };
        if (Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home)
        {
            directories.Add(Path.Combine(home, ".config", "containers", "certs.d"));
        }

        return directories;
    }
}
