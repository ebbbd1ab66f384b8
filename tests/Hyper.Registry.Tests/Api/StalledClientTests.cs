using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

using Hyper.Oci;

namespace Hyper.Registry.Tests.Api;

/// <summary>Clients that stall, trickle or hoard connections must not hold the registry.</summary>
public sealed class StalledClientTests
{
    /// <summary>Generous: the server is asked to give up after 2 s; this only keeps a broken test from hanging.</summary>
    private static readonly TimeSpan ClosedWithin = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_monolithic_upload_that_stalls_is_closed_after_the_read_timeout_and_leaves_no_temp_file()
    {
        await using var registry = await StartAsync();
        var digest = Digest.Compute(new byte[10]);

        // Declares 1 GiB, sends 10 bytes and goes silent.
        using var socket = await SendRawAsync(registry, $"POST /v2/stall/me/blobs/uploads/?digest={digest}", contentLength: 1L << 30, new byte[10]);

        var (closed, answer) = await ReadUntilClosedAsync(socket);

        Assert.True(closed, "the server kept a stalled request body open");
        Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
        Assert.Contains("http.mindatarate", answer, StringComparison.Ordinal);
        Assert.True(await WaitUntilAsync(() => !Directory.EnumerateFiles(Path.Combine(registry.DataDirectory, "tmp")).Any()), "the stalled upload's temp file stayed");
    }

    [Fact]
    public async Task A_patch_that_trickles_below_the_minimum_rate_is_closed()
    {
        await using var registry = await StartAsync();
        var location = await StartUploadAsync(registry, "trickle/me");
        using var socket = await SendRawAsync(registry, $"PATCH {location}", contentLength: 1000, [1]);
        using var trickle = new CancellationTokenSource();
        var trickling = TrickleAsync(socket, trickle.Token);

        var closed = await ClosedByServerAsync(socket);
        await trickle.CancelAsync();
        await trickling;

        Assert.True(closed, "the server kept a body arriving at 1 byte/s open");
    }

    [Fact]
    public async Task A_second_patch_while_one_is_in_flight_gets_416_with_the_current_range_at_once()
    {
        // No stall limit: the first PATCH stays in flight for as long as the test needs.
        await using var registry = await StartAsync(options => options.Http.MinDataRate = 0);
        var location = await StartUploadAsync(registry, "busy/upload");
        var firstPart = new byte[1024 * 1024];
        using var first = await SendRawAsync(registry, $"PATCH {location}", contentLength: 2 * firstPart.Length, firstPart);
        Assert.True(await WaitUntilAsync(async () => await UploadSizeAsync(registry, location) == firstPart.Length), "the first PATCH never wrote its first MiB");

        using var client = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        using var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(new byte[100]) };
        request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{firstPart.Length}-{firstPart.Length + 99}");
        using var second = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, second.StatusCode);
        Assert.Equal($"0-{firstPart.Length - 1}", second.Header("Range"));
        Assert.Equal("BLOB_UPLOAD_INVALID", await second.ErrorCodeAsync());
    }

    [Fact]
    public async Task Connections_beyond_http_maxconnections_are_closed_on_arrival()
    {
        // A long read timeout: the held connections send no request, and must outlive the test's polling.
        await using var registry = await StartAsync(options =>
        {
            options.Http.MaxConnections = 2;
            options.Http.Timeout.Read = "1m";
        });
        using var holder1 = new TcpClient();
        using var holder2 = new TcpClient();
        await holder1.ConnectAsync(registry.BaseAddress.Host, registry.BaseAddress.Port);
        await holder2.ConnectAsync(registry.BaseAddress.Host, registry.BaseAddress.Port);

        // Both held connections are counted once the server has accepted them; until then the third may slip in.
        var refused = await WaitUntilAsync(async () => await GetBaseAsync(registry) is null);
        holder1.Close();
        var servedAgain = await WaitUntilAsync(async () => await GetBaseAsync(registry) == HttpStatusCode.OK);

        Assert.True(refused, "a third connection was served while two were held with http.maxconnections: 2");
        Assert.True(servedAgain, "no connection was served after one of the two held ones closed");
    }

    [Fact]
    public async Task A_push_succeeds_while_200_stalled_clients_hold_uploads_and_they_are_all_closed()
    {
        await using var registry = await StartAsync();
        var digest = Digest.Compute(new byte[10]);
        var stalled = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                stalled.Add(await SendRawAsync(registry, $"POST /v2/stall/many/blobs/uploads/?digest={digest}", contentLength: 1L << 30, new byte[10]));
            }

            var content = RandomNumberGenerator.GetBytes(300_000);
            var pushed = await registry.PushBlobAsync("normal/push", content);
            using var get = await registry.Client.GetAsync($"/v2/normal/push/blobs/{pushed}");
            var closed = await Task.WhenAll(stalled.Select(ClosedByServerAsync));

            Assert.Equal(content, await get.Content.ReadAsByteArrayAsync());
            Assert.All(closed, Assert.True);
            Assert.True(await WaitUntilAsync(() => !Directory.EnumerateFiles(Path.Combine(registry.DataDirectory, "tmp")).Any()), "temp files of the stalled uploads stayed");
        }
        finally
        {
            stalled.ForEach(socket => socket.Dispose());
        }
    }

    private static Task<RunningRegistry> StartAsync(Action<Hyper.Registry.Configuration.RegistryOptions>? configure = null) =>
        RunningRegistry.StartAsync(options =>
        {
            // Short, so the tests see the limits act; Kestrel's grace periods must exceed 1 s.
            options.Http.Timeout.Read = "2s";
            options.Http.Timeout.Write = "2s";
            configure?.Invoke(options);
        });

    private static async Task<string> StartUploadAsync(RunningRegistry registry, string repository)
    {
        using var response = await registry.SendAsync(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    private static async Task<long> UploadSizeAsync(RunningRegistry registry, string location)
    {
        using var status = await registry.Client.GetAsync(location);
        var range = status.Header("Range");
        return long.Parse(range[(range.IndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture) + 1;
    }

    /// <summary>The status of <c>GET /v2/</c> on a new connection, or null when the connection was refused or dropped.</summary>
    private static async Task<HttpStatusCode?> GetBaseAsync(RunningRegistry registry)
    {
        using var client = new HttpClient { BaseAddress = registry.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        client.DefaultRequestHeaders.ConnectionClose = true;
        try
        {
            using var response = await client.GetAsync("/v2/");
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Sends a request head and part of its body, and leaves the connection open.</summary>
    internal static async Task<TcpClient> SendRawAsync(RunningRegistry registry, string requestLine, long contentLength, byte[] partialBody)
    {
        var socket = new TcpClient();
        await socket.ConnectAsync(registry.BaseAddress.Host, registry.BaseAddress.Port);
        var stream = socket.GetStream();
        var head = $"{requestLine} HTTP/1.1\r\nHost: {registry.HostAndPort}\r\nContent-Type: application/octet-stream\r\nContent-Length: {contentLength}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(partialBody);
        await stream.FlushAsync();
        return socket;
    }

    /// <summary>True when the server ends the connection (an answer, then end of stream, or a reset) within <see cref="ClosedWithin"/>.</summary>
    internal static async Task<bool> ClosedByServerAsync(TcpClient socket) => (await ReadUntilClosedAsync(socket)).Closed;

    private static async Task<(bool Closed, string Answer)> ReadUntilClosedAsync(TcpClient socket)
    {
        using var timeout = new CancellationTokenSource(ClosedWithin);
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.GetStream().ReadAsync(buffer, timeout.Token)) > 0)
            {
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            return (true, answer.ToString());
        }
        catch (IOException)
        {
            return (true, answer.ToString());
        }
        catch (OperationCanceledException)
        {
            return (false, answer.ToString());
        }
    }

    private static async Task TrickleAsync(TcpClient socket, CancellationToken cancellationToken)
    {
        try
        {
            for (var i = 0; i < 999; i++)
            {
                await Task.Delay(1000, cancellationToken);
                await socket.GetStream().WriteAsync(new byte[] { 1 }, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Closed by the server (the point of the test) or by the test.
        }
    }

    internal static async Task<bool> WaitUntilAsync(Func<bool> condition) => await WaitUntilAsync(() => Task.FromResult(condition()));

    internal static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + ClosedWithin;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }
}
