using System.Net;
using System.Net.Sockets;
using System.Text;

using Hyper.Oci;
using Hyper.Registry.Core;

using Microsoft.Extensions.DependencyInjection;

namespace Hyper.Registry.Tests.Api;

public sealed class UploadPurgingTests
{
    [Fact]
    public async Task Uploads_untouched_since_the_cutoff_are_removed_with_their_data()
    {
        await using var registry = await RunningRegistry.StartAsync();
        using var start = await registry.SendAsync(HttpMethod.Post, "/v2/purge/me/blobs/uploads/");
        var location = start.Headers.Location!.OriginalString;
        using var patch = await registry.SendAsync(HttpMethod.Patch, location, new byte[1000]);
        var uploads = registry.Services.GetRequiredService<BlobUploads>();

        var kept = await uploads.PurgeAsync(DateTimeOffset.UtcNow.AddHours(-1), CancellationToken.None);
        var purged = await uploads.PurgeAsync(DateTimeOffset.UtcNow.AddSeconds(1), CancellationToken.None);
        using var status = await registry.Client.GetAsync(location);

        Assert.Equal(0, kept);
        Assert.Equal(1, purged);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(registry.DataDirectory, "uploads")));
    }

    [Fact]
    public async Task Purging_leaves_an_upload_alone_while_a_patch_to_it_is_in_flight()
    {
        await using var registry = await RunningRegistry.StartAsync();
        using var start = await registry.SendAsync(HttpMethod.Post, "/v2/purge/busy/blobs/uploads/");
        var location = start.Headers.Location!.OriginalString;
        var content = new byte[2 * 1024 * 1024];
        new Random(7).NextBytes(content);
        var half = content.Length / 2;
        using var socket = await StalledClientTests.SendRawAsync(registry, $"PATCH {location}", content.Length, content[..half]);
        Assert.True(await StalledClientTests.WaitUntilAsync(async () => (await registry.Client.GetAsync(location)).Header("Range") == $"0-{half - 1}"), "the PATCH never wrote its first half");
        var uploads = registry.Services.GetRequiredService<BlobUploads>();

        // A cutoff in the future: every upload counts as untouched, and only being in use protects this one.
        var purged = await uploads.PurgeAsync(DateTimeOffset.UtcNow.AddHours(1), CancellationToken.None);
        await socket.GetStream().WriteAsync(content.AsMemory(half));
        var answer = await ReadResponseHeadAsync(socket);
        using var put = await registry.SendAsync(HttpMethod.Put, $"{location}?digest={Digest.Compute(content)}");

        Assert.Equal(0, purged);
        Assert.StartsWith("HTTP/1.1 202", answer, StringComparison.Ordinal);
        Assert.Contains($"Range: 0-{content.Length - 1}", answer, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task A_monolithic_push_reset_mid_body_leaves_no_temp_file()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var digest = Digest.Compute(new byte[10]);
        var socket = await StalledClientTests.SendRawAsync(registry, $"POST /v2/killed/push/blobs/uploads/?digest={digest}", 200L << 20, new byte[1 << 20]);
        var tmp = Path.Combine(registry.DataDirectory, "tmp");
        Assert.True(await StalledClientTests.WaitUntilAsync(() => Directory.EnumerateFiles(tmp).Any()), "the push never reached its temp file");

        // What the kernel does for a client killed with unread data: a reset, not an orderly close.
        socket.Client.LingerState = new LingerOption(true, 0);
        socket.Dispose();

        Assert.True(await StalledClientTests.WaitUntilAsync(() => !Directory.EnumerateFiles(tmp).Any()), "the temp file of the reset push stayed");
    }

    [Fact]
    public async Task Temp_files_no_writer_holds_are_removed_while_the_registry_runs()
    {
        await using var registry = await RunningRegistry.StartAsync(options => options.Storage.Maintenance.UploadPurging.Interval = "1s");
        var tmp = Path.Combine(registry.DataDirectory, "tmp");

        // Left by a writer that was killed: nobody holds it, and it has not been written to for a while.
        var orphan = Path.Combine(tmp, Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(orphan, new byte[4096]);
        File.SetLastWriteTimeUtc(orphan, DateTime.UtcNow.AddMinutes(-10));

        // Held by a live writer: stays however old it looks.
        var held = Path.Combine(tmp, Guid.NewGuid().ToString("N"));
        await using (var writer = new FileStream(held, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            File.SetLastWriteTimeUtc(held, DateTime.UtcNow.AddMinutes(-10));
            Assert.True(await StalledClientTests.WaitUntilAsync(() => !File.Exists(orphan)), "the orphaned temp file stayed");
            Assert.True(File.Exists(held), "a temp file a writer holds was removed");
        }
    }

    private static async Task<string> ReadResponseHeadAsync(TcpClient socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await socket.GetStream().ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString();
    }
}
