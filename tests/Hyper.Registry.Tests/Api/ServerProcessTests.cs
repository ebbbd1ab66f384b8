using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Hyper.Registry.Tests.Api;

/// <summary>The hyperregistry executable itself, started as an operator starts it.</summary>
public sealed class ServerProcessTests
{
    [Fact]
    public async Task Serve_answers_on_the_configured_address_and_stops_cleanly_on_sigterm()
    {
        using var data = new TempDirectory();
        var port = FreePort();
        var executable = Path.Combine(AppContext.BaseDirectory, "hyperregistry");
        var startInfo = new ProcessStartInfo(executable, ["serve"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["REGISTRY_HTTP_ADDR"] = $"127.0.0.1:{port}",
                ["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY"] = data.Path,
            },
        };
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var status = await WaitForStatusAsync(client);
            await ExternalProcess.RunCheckedAsync("kill", "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await process.WaitForExitAsync(timeout.Token);

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(0, process.ExitCode);
            Assert.True(File.Exists(Path.Combine(data.Path, "registry.db")), "the SQLite database lives under the storage root");
            Assert.Contains("GET /v2/ 200", await output, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            _ = await errors;
        }
    }

    private static async Task<HttpStatusCode> WaitForStatusAsync(HttpClient client)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await client.GetAsync("/v2/");
                return response.StatusCode;
            }
            catch (HttpRequestException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
