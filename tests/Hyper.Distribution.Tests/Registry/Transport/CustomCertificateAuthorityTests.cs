using System.Net;
using System.Net.Sockets;

using Hyper.Distribution.Registry;

namespace Hyper.Distribution.Tests.Registry.Transport;

/// <summary>
/// A registry behind HTTPS on 127.0.0.1 with a certificate from a CA made in the test: refused with a
/// message naming the fix until the CA is trusted (a CA file, or its certs.d directory), or verification
/// is skipped for it.
/// </summary>
public sealed class CustomCertificateAuthorityTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>, IDisposable
{
    private readonly TempDirectory _work = new();
    private readonly TestCertificateAuthority _authority = new();

    public void Dispose()
    {
        _authority.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task Without_the_ca_the_certificate_is_refused_naming_the_fix()
    {
        await using var proxy = await StartTlsRegistryAsync("tls/untrusted");
        using var client = new RegistryClient(OptionsFor(proxy));

        var error = await Assert.ThrowsAsync<RegistryClientException>(() =>
            client.GetManifestAsync(Reference.Parse($"{proxy.HostAndPort}/tls/untrusted:v1"), CancellationToken.None));

        Assert.StartsWith($"cannot reach registry {proxy.HostAndPort}: the TLS certificate of {proxy.HostAndPort} is not trusted (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(
            $"); trust the CA that signed it (a PEM file given as a CA file, or /etc/containers/certs.d/{proxy.HostAndPort}/ca.crt), or skip verification for this registry (--tls-verify=false)",
            error.Message, StringComparison.Ordinal);
        Assert.Equal(RegistryErrorCodes.Unreachable, error.ErrorCode);
    }

    [Fact]
    public async Task With_the_ca_bundle_the_image_pulls()
    {
        var image = await PushAsync("tls/bundle");
        await using var proxy = await AuthenticatingProxy.StartAsync(fixture.Registry, AuthenticatingProxy.Scheme.None, _authority.IssueServerCertificate());
        var bundle = _work.Combine("ca-bundle.pem");
        // Another CA first: a bundle holds several, and the right one is found among them.
        using var other = new TestCertificateAuthority("Some Other CA");
        await File.WriteAllTextAsync(bundle, other.Pem + "\n" + _authority.Pem + "\n");
        var options = OptionsFor(proxy);
        options.CertificateAuthorityFiles.Add(bundle);
        using var client = new RegistryClient(options);

        var pulled = await new ImagePuller(client).PullAsync(
            Reference.Parse($"{proxy.HostAndPort}/tls/bundle:v1"), Platform.Parse("linux/amd64"), await OciLayout.CreateAsync(_work.Combine("dest")), tag: "v1");

        Assert.Equal(image.Manifest.Digest, pulled.Manifest.Digest);
    }

    [Fact]
    public async Task The_ca_in_the_registrys_certs_d_directory_is_trusted_for_that_registry_only()
    {
        await using var proxy = await StartTlsRegistryAsync("tls/certsd");
        var certs = _work.Combine("certs.d");
        Directory.CreateDirectory(Path.Combine(certs, proxy.HostAndPort));
        await File.WriteAllTextAsync(Path.Combine(certs, proxy.HostAndPort, "ca.crt"), _authority.Pem);
        var options = OptionsFor(proxy);
        options.CertificateDirectories.Add(certs);
        using var client = new RegistryClient(options);

        await client.GetManifestAsync(Reference.Parse($"{proxy.HostAndPort}/tls/certsd:v1"), CancellationToken.None);
    }

    [Fact]
    public async Task Skipped_verification_accepts_the_certificate()
    {
        await using var proxy = await StartTlsRegistryAsync("tls/skip");
        var options = OptionsFor(proxy);
        options.TlsVerificationSkipped.Add(proxy.HostAndPort);
        using var client = new RegistryClient(options);

        await client.GetManifestAsync(Reference.Parse($"{proxy.HostAndPort}/tls/skip:v1"), CancellationToken.None);
    }

    [Fact]
    public async Task A_request_that_gets_no_answer_is_cancelled()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var registry = $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        using var client = new RegistryClient();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.VerifyAccessAsync(registry, cancellation.Token));
    }

    /// <summary>Only the test's own directories: the machine's /etc/containers/certs.d must not decide a test.</summary>
    private static RegistryClientOptions OptionsFor(AuthenticatingProxy proxy)
    {
        var options = new RegistryClientOptions();
        options.CertificateDirectories.Clear();
        options.HttpsRegistries.Add(proxy.HostAndPort);
        return options;
    }

    private async Task<AuthenticatingProxy> StartTlsRegistryAsync(string repository)
    {
        await PushAsync(repository);
        return await AuthenticatingProxy.StartAsync(fixture.Registry, AuthenticatingProxy.Scheme.None, _authority.IssueServerCertificate());
    }

    private Task<TestImage> PushAsync(string repository) => fixture.Registry.PushTestImageAsync(_work.Path, repository, "v1");
}
