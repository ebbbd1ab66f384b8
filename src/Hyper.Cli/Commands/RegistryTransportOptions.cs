using System.CommandLine;

using Hyper.Distribution.Registry;
using Hyper.Distribution.Registry.Credentials;

namespace Hyper.Cli.Commands;

/// <summary>The options of commands that talk to a registry about how to reach it: TLS verification and extra CA files.</summary>
internal static class RegistryTransportOptions
{
    /// <summary><c>--tls-verify=false</c>, as podman names it: HTTPS without checking the certificate.</summary>
    public static Option<bool> TlsVerify() => new("--tls-verify")
    {
        Description = "Verify the registry's TLS certificate (--tls-verify=false skips it; loopback registries use plain HTTP anyway)",
        DefaultValueFactory = _ => true,
    };

    /// <summary><c>--authfile</c>, as podman and skopeo name it: the one auth file to keep credentials in and read them from.</summary>
    public static Option<string?> AuthFile() => new("--authfile")
    {
        Description = "Auth file to keep and read credentials in (default: $REGISTRY_AUTH_FILE, else $DOCKER_CONFIG/config.json, else ${XDG_RUNTIME_DIR}/containers/auth.json and the files podman reads)",
    };

    /// <summary>The auth files for <c>--authfile</c> (or none) and the environment: the same answer for login, logout and every read.</summary>
    public static AuthFileLocations AuthFilesOf(ParseResult parse, Option<string?> authFile) => AuthFileLocations.Resolve(parse.GetValue(authFile));

    public static Option<string[]> CaFile() => new("--ca-file")
    {
        Description = "PEM file of CA certificates to trust besides the system's (also read: /etc/containers/certs.d/HOST:PORT/*.crt, /etc/docker/certs.d/HOST:PORT/*.crt)",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Client options for <paramref name="registry"/> that answer its challenges with <paramref name="credentials"/>, and the environment's waits.</summary>
    public static RegistryClientOptions Create(string registry, bool tlsVerify, IEnumerable<string> caFiles, IRegistryCredentialProvider credentials)
    {
        var options = RegistryClientEnvironment.CreateOptions(credentials);
        if (!tlsVerify)
        {
            options.TlsVerificationSkipped.Add(registry);
        }

        foreach (var file in caFiles)
        {
            options.CertificateAuthorityFiles.Add(Path.GetFullPath(file));
        }

        return options;
    }
}
