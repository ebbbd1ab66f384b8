using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Hyper.Distribution.Registry.Transport;

/// <summary>
/// Decides whether the certificate one host:port presents is trusted: the system's roots first, then
/// the extra CA certificates configured (CA files, the registry's certs.d directory). Verification can
/// be skipped for registries configured so. A refusal throws <see cref="UntrustedCertificateException"/>
/// naming the fix.
/// </summary>
internal sealed class ServerCertificateTrust(string authority, IReadOnlyList<X509Certificate2> extraAuthorities, bool skipVerification)
{
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (skipVerification || errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            throw new UntrustedCertificateException($"{authority} presented no TLS certificate");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            throw new UntrustedCertificateException(
                $"the TLS certificate of {authority} is issued for other names ({certificate.Subject}); reach the registry by a name the certificate lists");
        }

        var problem = ChainProblem(certificate, chain);
        if (problem is null)
        {
            return true;
        }

        throw new UntrustedCertificateException(
            $"the TLS certificate of {authority} is not trusted ({problem}); trust the CA that signed it (a PEM file given as a CA file, "
            + $"or /etc/containers/certs.d/{authority}/ca.crt), or skip verification for this registry (--tls-verify=false)");
    }

    /// <summary>The CA certificates in PEM <paramref name="files"/>; a missing or unreadable file is an error, as the user named it.</summary>
    public static IReadOnlyList<X509Certificate2> LoadFiles(IEnumerable<string> files)
    {
        var certificates = new List<X509Certificate2>();
        foreach (var file in files)
        {
            var collection = new X509Certificate2Collection();
            try
            {
                collection.ImportFromPemFile(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new RegistryClientException($"cannot read the CA certificates in {file}: {e.Message}", RegistryErrorCodes.Unreachable, null, e);
            }

            if (collection.Count == 0)
            {
                throw new RegistryClientException($"{file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)", RegistryErrorCodes.Unreachable);
            }

            certificates.AddRange(collection);
        }

        return certificates;
    }

    /// <summary>The <c>*.crt</c> files of <c>&lt;directory&gt;/&lt;authority&gt;/</c> in each directory that has one, as docker and podman read them.</summary>
    public static IReadOnlyList<X509Certificate2> LoadDirectories(IEnumerable<string> directories, string authority)
    {
        var files = directories
            .Select(directory => Path.Combine(directory, authority))
            .Where(Directory.Exists)
            .SelectMany(directory => Directory.EnumerateFiles(directory, "*.crt").Order(StringComparer.Ordinal));
        return LoadFiles(files);
    }

    public static bool Lists(IEnumerable<string> registries, string authority)
    {
        var host = authority.LastIndexOf(':') is var colon and > 0 && !authority.EndsWith(']') ? authority[..colon] : authority;
        return registries.Any(name => name.Equals(authority, StringComparison.OrdinalIgnoreCase) || name.Equals(host, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Null when the certificate chains to one of the extra CAs, else what is wrong with the chain.</summary>
    private string? ChainProblem(X509Certificate certificate, X509Chain? systemChain)
    {
        var systemProblem = systemChain is null
            ? "no chain"
            : string.Join(", ", systemChain.ChainStatus.Select(static s => s.StatusInformation.Trim()).Where(static s => s.Length > 0).Distinct());
        if (extraAuthorities.Count == 0)
        {
            return systemProblem;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(extraAuthorities.ToArray());
        // Private CAs seldom publish revocation lists; docker and podman do not check them either.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (systemChain is not null)
        {
            // The intermediates the server sent.
            chain.ChainPolicy.ExtraStore.AddRange(systemChain.ChainPolicy.ExtraStore);
        }

        var leaf = certificate as X509Certificate2;
        using var loaded = leaf is null ? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()) : null;
        if (chain.Build(leaf ?? loaded!))
        {
            return null;
        }

        var customProblem = string.Join(", ", chain.ChainStatus.Select(static s => s.StatusInformation.Trim()).Where(static s => s.Length > 0).Distinct());
        return $"{systemProblem}; not signed by the {extraAuthorities.Count} configured CA certificate(s) either: {customProblem}";
    }
}
