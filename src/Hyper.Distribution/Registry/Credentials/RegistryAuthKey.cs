namespace Hyper.Distribution.Registry.Credentials;

/// <summary>
/// How auth files name registries, as docker reads them: keys may carry a scheme and a path
/// (<c>https://127.0.0.1:5000/v1/</c>) and mean the host[:port]; Docker Hub is <c>https://index.docker.io/v1/</c>.
/// </summary>
public static class RegistryAuthKey
{
    /// <summary>The key docker writes for Docker Hub and hands to credential helpers for it.</summary>
    public const string DockerHub = "https://index.docker.io/v1/";

    /// <summary>The registry a key means, as references name it: <c>docker.io</c> for every name of Docker Hub.</summary>
    public static string Normalize(string key)
    {
        var host = key.Trim();
        foreach (var scheme in (ReadOnlySpan<string>)["https://", "http://"])
        {
            if (host.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                host = host[scheme.Length..];
                break;
            }
        }

        host = host.Split('/', 2)[0].ToLowerInvariant();
        return host is "index.docker.io" or "registry-1.docker.io" or "registry.hub.docker.com" ? Oci.Reference.DockerHubRegistry : host;
    }

    /// <summary>The key docker writes for <paramref name="registry"/> and the server URL it gives credential helpers.</summary>
    public static string For(string registry) => Normalize(registry) == Oci.Reference.DockerHubRegistry ? DockerHub : registry;

    /// <summary>The key in <paramref name="keys"/> that names <paramref name="registry"/>: the exact one first, else the first that normalises to it.</summary>
    public static string? Find(IEnumerable<string> keys, string registry)
    {
        var wanted = Normalize(registry);
        string? found = null;
        foreach (var key in keys)
        {
            if (key == registry || key == For(registry))
            {
                return key;
            }

            if (found is null && Normalize(key) == wanted)
            {
                found = key;
            }
        }

        return found;
    }
}
