using System.Net;

using Hyper.Oci;

namespace Hyper.Distribution.Registry;

/// <summary>Where the API of a registry, as a reference names it, is served: scheme, host and port.</summary>
/// <param name="Registry">The registry as references name it: <c>docker.io</c>, <c>127.0.0.1:5000</c>.</param>
/// <param name="BaseAddress">The address <c>/v2/</c> is under, e.g. <c>https://registry-1.docker.io/</c>.</param>
public sealed record RegistryEndpoint(string Registry, Uri BaseAddress)
{
    /// <summary>Docker Hub's API is not served on the name its references use.</summary>
    public const string DockerHubApiHost = "registry-1.docker.io";

    /// <summary>True when the registry is spoken to over plain HTTP.</summary>
    public bool IsInsecure => BaseAddress.Scheme == Uri.UriSchemeHttp;

    /// <summary>
    /// The endpoint of <paramref name="registry"/>: HTTPS, except for <paramref name="insecureRegistries"/>
    /// and loopback names not among <paramref name="httpsRegistries"/>, which get plain HTTP. Both lists
    /// match by host or host:port.
    /// </summary>
    public static RegistryEndpoint Resolve(string registry, IEnumerable<string>? insecureRegistries = null, IEnumerable<string>? httpsRegistries = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(registry);
        var host = registry == Reference.DockerHubRegistry ? DockerHubApiHost : registry;
        if (!Uri.TryCreate($"https://{host}/", UriKind.Absolute, out var https) || https.AbsolutePath != "/")
        {
            throw new ArgumentException($"'{registry}' is not a registry host[:port]", nameof(registry));
        }

        var insecure = Lists(insecureRegistries, registry, https.Host)
            || (IsLoopbackName(https.Host) && !Lists(httpsRegistries, registry, https.Host));
        var address = insecure ? new UriBuilder(https) { Scheme = Uri.UriSchemeHttp, Port = https.IsDefaultPort ? 80 : https.Port }.Uri : https;
        return new RegistryEndpoint(registry, address);
    }

    /// <summary>The address of <c>/v2/&lt;repository&gt;/&lt;kind&gt;/&lt;reference&gt;</c>.</summary>
    public Uri ApiUri(string repository, string kind, string reference) =>
        new(BaseAddress, $"v2/{repository}/{kind}/{Uri.EscapeDataString(reference)}");

    private static bool Lists(IEnumerable<string>? registries, string registry, string host) =>
        registries?.Any(name =>
            string.Equals(name, registry, StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, host, StringComparison.OrdinalIgnoreCase)) ?? false;

    // Only the names that cannot leave the machine: a plain-HTTP default for anything wider is a
    // choice the user makes with InsecureRegistries.
    private static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && (address.Equals(IPAddress.Loopback) || address.Equals(IPAddress.IPv6Loopback)));
}
