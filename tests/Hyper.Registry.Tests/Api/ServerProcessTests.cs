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

    [Fact]
    public async Task Under_a_small_open_file_limit_200_stalled_pushes_do_not_lock_out_a_normal_push()
    {
        using var data = new TempDirectory();
        var port = FreePort();
        var executable = Path.Combine(AppContext.BaseDirectory, "hyperregistry");

        // 512 descriptors, about 200 of them taken by the runtime and its assemblies: without limits, 200
        // stalled bodies hold 400 more (socket and temp file each) for ever.
        var startInfo = new ProcessStartInfo("prlimit", ["--nofile=512:512", executable, "serve"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["REGISTRY_HTTP_ADDR"] = $"127.0.0.1:{port}",
                ["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY"] = data.Path,
                ["REGISTRY_HTTP_TIMEOUT_READ"] = "2s",
                ["REGISTRY_LOG_LEVEL"] = "warn",
            },
        };
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        var stalled = new List<TcpClient>();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            Assert.Equal(HttpStatusCode.OK, await WaitForStatusAsync(client));
            var stalledDigest = Oci.Digest.Compute(new byte[10]);
            for (var i = 0; i < 200; i++)
            {
                stalled.Add(await SendStalledPushAsync(port, $"POST /v2/stall/many/blobs/uploads/?digest={stalledDigest} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/octet-stream\r\nContent-Length: {1L << 30}\r\n\r\n"));
            }

            // Connections over the cap are turned away while the stalled ones hold it, so the push retries
            // as clients do; it must get through once the stalled bodies have been dropped.
            var content = new byte[100_000];
            new Random(3).NextBytes(content);
            var digest = Oci.Digest.Compute(content);
            var status = await PushWithRetriesAsync(client, $"/v2/normal/push/blobs/uploads/?digest={digest}", content);
            using var get = await client.GetAsync($"/v2/normal/push/blobs/{digest}");

            Assert.Equal(HttpStatusCode.Created, status);
            Assert.Equal(content, await get.Content.ReadAsByteArrayAsync());
        }
        finally
        {
            stalled.ForEach(socket => socket.Dispose());
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync();
            _ = await output;
            Assert.DoesNotContain("Too many open files", await errors + await output, StringComparison.Ordinal);
        }
    }

    private static async Task<TcpClient> SendStalledPushAsync(int port, string head)
    {
        var socket = new TcpClient();
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            await socket.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes(head));
            await socket.GetStream().WriteAsync(new byte[10]);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // Turned away at the connection cap: what the test wants for the ones over it.
        }

        return socket;
    }

    private static async Task<HttpStatusCode> PushWithRetriesAsync(HttpClient client, string path, byte[] content)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                using var response = await client.PostAsync(path, new ByteArrayContent(content));
                return response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
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
