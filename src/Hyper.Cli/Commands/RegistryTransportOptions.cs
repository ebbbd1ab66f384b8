using System.CommandLine;

using Hyper.Distribution.Registry;

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

    public static Option<string[]> CaFile() => new("--ca-file")
    {
        Description = "PEM file of CA certificates to trust besides the system's (also read: /etc/containers/certs.d/HOST:PORT/*.crt, /etc/docker/certs.d/HOST:PORT/*.crt)",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Client options for <paramref name="registry"/> with credentials from the auth files the environment names, and its waits.</summary>
    public static RegistryClientOptions Create(string registry, bool tlsVerify, IEnumerable<string> caFiles, IRegistryCredentialProvider? credentials)
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
