using System.Collections.Concurrent;
using System.Net;

namespace Hyper.Distribution.Registry.Transport;

/// <summary>
/// The bottom of a <see cref="RegistryClient"/>'s handler chain: one pooled <see cref="SocketsHttpHandler"/>
/// per host:port, because TLS trust is decided per registry (its certs.d directory, skipped verification)
/// and a validation callback is told the host but not the port.
/// </summary>
internal sealed class RegistryTransportHandler(RegistryClientOptions options) : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, Lazy<HttpMessageInvoker>> _pools = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lazy<IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2>> _sharedAuthorities =
        new(() => ServerCertificateTrust.LoadFiles(options.CertificateAuthorityFiles));

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("a registry request needs an absolute address");
        var pool = _pools.GetOrAdd(uri.Authority, authority => new Lazy<HttpMessageInvoker>(() => CreatePool(authority))).Value;
        return pool.SendAsync(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var pool in _pools.Values.Where(static p => p.IsValueCreated))
            {
                pool.Value.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private HttpMessageInvoker CreatePool(string authority)
    {
        var trust = new ServerCertificateTrust(
            authority,
            [.. _sharedAuthorities.Value, .. ServerCertificateTrust.LoadDirectories(options.CertificateDirectories, authority)],
            ServerCertificateTrust.Lists(options.TlsVerificationSkipped, authority));
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // Blob downloads run in parallel per registry; more than this only shares the same bandwidth.
            MaxConnectionsPerServer = 16,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = trust.Validate;
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }
}
