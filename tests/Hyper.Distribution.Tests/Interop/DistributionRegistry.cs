using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hyper.Distribution.Tests.Interop;

/// <summary>
/// Debian's docker-registry (CNCF Distribution 2.8) on a free 127.0.0.1 port with filesystem storage in a
/// temporary directory, started by hand as <c>shared/peers/peer-registry.sh</c> does, and stopped on dispose.
/// </summary>
public sealed class DistributionRegistry : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private Process? _process;

    /// <summary>host:port, for references.</summary>
    public string HostAndPort { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        HostAndPort = $"127.0.0.1:{port}";
        var config = _data.Combine("config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
              accesslog:
                disabled: true
            storage:
              cache:
                blobdescriptor: inmemory
              filesystem:
                rootdirectory: {_data.Combine("data")}
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: {HostAndPort}
            """);
        _process = Process.Start(new ProcessStartInfo("docker-registry", ["serve", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("docker-registry did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://{HostAndPort}/v2/"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"docker-registry did not come up on {HostAndPort}");
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _data.Dispose();
    }
}
