using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

using Hyper.Oci;

namespace Hyper.Registry.Tests.Api;

public sealed class UploadApiTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private RunningRegistry Registry => fixture.Registry;

    [Fact]
    public async Task Upload_session_starts_with_202_location_and_chunk_hint()
    {
        var repository = RegistryRequests.NewRepository();

        using var response = await Registry.SendAsync(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith($"/v2/{repository}/blobs/uploads/", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal("0-0", response.Header("Range"));
        Assert.NotEmpty(response.Header("Docker-Upload-UUID"));
        Assert.NotEmpty(response.Header("OCI-Chunk-Min-Length"));
    }

    [Fact]
    public async Task Chunks_with_content_range_build_the_blob()
    {
        var repository = RegistryRequests.NewRepository();
        var content = RandomNumberGenerator.GetBytes(300_000);
        var location = await StartAsync(repository);

        using var first = await PatchAsync(location, content[..100_000], "0-99999");
        using var second = await PatchAsync(first.Headers.Location!.OriginalString, content[100_000..], "100000-299999");
        using var status = await Registry.Client.GetAsync(location);
        using var put = await Registry.SendAsync(HttpMethod.Put, $"{location}?digest={Digest.Compute(content)}");
        using var get = await Registry.Client.GetAsync($"/v2/{repository}/blobs/{Digest.Compute(content)}");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal("0-99999", first.Header("Range"));
        Assert.Equal("0-299999", second.Header("Range"));
        Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
        Assert.Equal("0-299999", status.Header("Range"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(content, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Out_of_order_chunk_is_refused_with_416_and_the_current_range()
    {
        var location = await StartAsync(RegistryRequests.NewRepository());
        using var first = await PatchAsync(location, new byte[10], "0-9");

        using var skipped = await PatchAsync(location, new byte[10], "20-29");
        using var repeated = await PatchAsync(location, new byte[10], "0-9");

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, skipped.StatusCode);
        Assert.Equal("0-9", skipped.Header("Range"));
        Assert.Equal("BLOB_UPLOAD_INVALID", await skipped.ErrorCodeAsync());
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, repeated.StatusCode);
    }

    [Fact]
    public async Task Streamed_patch_without_content_range_appends()
    {
        var repository = RegistryRequests.NewRepository();
        var content = Encoding.UTF8.GetBytes("streamed content in two pieces");
        var location = await StartAsync(repository);

        using var first = await PatchAsync(location, content[..10], contentRange: null);
        using var second = await PatchAsync(location, content[10..], contentRange: null);
        using var put = await Registry.SendAsync(HttpMethod.Put, $"{location}?digest={Digest.Compute(content)}");

        Assert.Equal("0-9", first.Header("Range"));
        Assert.Equal($"0-{content.Length - 1}", second.Header("Range"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task Final_put_may_carry_the_last_chunk()
    {
        var repository = RegistryRequests.NewRepository();
        var content = "first|last"u8.ToArray();
        var location = await StartAsync(repository);
        using var first = await PatchAsync(location, content[..6], "0-5");

        using var put = await Registry.SendAsync(HttpMethod.Put, $"{location}?digest={Digest.Compute(content)}", content[6..]);

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal($"/v2/{repository}/blobs/{Digest.Compute(content)}", put.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Push_of_blob_with_wrong_digest_is_rejected_and_nothing_is_stored()
    {
        var repository = RegistryRequests.NewRepository();
        var claimed = Digest.Compute("what I claim"u8);

        using var monolithic = await Registry.SendAsync(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/?digest={claimed}", "what I send"u8.ToArray());
        var location = await StartAsync(repository);
        using var chunked = await Registry.SendAsync(HttpMethod.Put, $"{location}?digest={claimed}", "what I send"u8.ToArray());
        using var get = await Registry.Client.GetAsync($"/v2/{repository}/blobs/{claimed}");
        using var session = await Registry.Client.GetAsync(location);

        Assert.Equal(HttpStatusCode.BadRequest, monolithic.StatusCode);
        Assert.Equal("DIGEST_INVALID", await monolithic.ErrorCodeAsync());
        Assert.Equal(HttpStatusCode.BadRequest, chunked.StatusCode);
        Assert.Equal("DIGEST_INVALID", await chunked.ErrorCodeAsync());
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, session.StatusCode);
        Assert.DoesNotContain(
            Directory.EnumerateFiles(Path.Combine(Registry.DataDirectory, "blobs"), "*", SearchOption.AllDirectories),
            f => f.EndsWith(claimed.Encoded, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Put_without_digest_is_rejected()
    {
        var location = await StartAsync(RegistryRequests.NewRepository());

        using var put = await Registry.SendAsync(HttpMethod.Put, location, "x"u8.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("DIGEST_INVALID", await put.ErrorCodeAsync());
    }

    [Fact]
    public async Task Cancelled_upload_is_gone()
    {
        var location = await StartAsync(RegistryRequests.NewRepository());

        using var delete = await Registry.SendAsync(HttpMethod.Delete, location);
        using var status = await Registry.Client.GetAsync(location);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Equal("BLOB_UPLOAD_UNKNOWN", await status.ErrorCodeAsync());
    }

    [Fact]
    public async Task Upload_session_of_one_repository_cannot_be_used_from_another()
    {
        var location = await StartAsync(RegistryRequests.NewRepository());
        var id = location[(location.LastIndexOf('/') + 1)..];

        using var response = await Registry.Client.GetAsync($"/v2/{RegistryRequests.NewRepository()}/blobs/uploads/{id}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Sha512_uploads_are_verified_and_served_by_their_sha512_digest()
    {
        var repository = RegistryRequests.NewRepository();
        var content = "sha512 content"u8.ToArray();
        var digest = Digest.Compute(content, Digest.Sha512);

        using var start = await Registry.SendAsync(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/?digest-algorithm=sha512");
        var location = start.Headers.Location!.OriginalString;
        using var patch = await PatchAsync(location, content, $"0-{content.Length - 1}");
        using var put = await Registry.SendAsync(HttpMethod.Put, $"{location}?digest={digest}");
        using var get = await Registry.Client.GetAsync($"/v2/{repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(content, await get.Content.ReadAsByteArrayAsync());
        Assert.Equal(digest.ToString(), get.Header("Docker-Content-Digest"));
    }

    [Fact]
    public async Task Truncated_upload_keeps_what_arrived_and_the_client_can_resume()
    {
        var repository = RegistryRequests.NewRepository();
        var content = RandomNumberGenerator.GetBytes(200_000);
        var location = await StartAsync(repository);

        // Announce 200,000 bytes, send 50,000, then hang up once they have arrived: a killed client.
        using (var socket = await SendRawAsync($"PATCH {location} HTTP/1.1\r\nHost: {Registry.HostAndPort}\r\nContent-Type: application/octet-stream\r\nContent-Length: {content.Length}\r\n\r\n", content[..50_000]))
        {
            // The server holds what it read in its copy buffer while the request lasts; give it time to read.
            await Task.Delay(300);
            socket.Client.Shutdown(SocketShutdown.Both);
        }

        var received = await WaitForUploadSizeAsync(location, 50_000);
        using var resumed = await PatchAsync(location, content[(int)received..], $"{received}-{content.Length - 1}");
        using var put = await Registry.SendAsync(HttpMethod.Put, $"{location}?digest={Digest.Compute(content)}");
        using var get = await Registry.Client.GetAsync($"/v2/{repository}/blobs/{Digest.Compute(content)}");

        Assert.Equal(50_000, received);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(content, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Truncated_monolithic_upload_leaves_no_blob()
    {
        var repository = RegistryRequests.NewRepository();
        var content = RandomNumberGenerator.GetBytes(100_000);
        var digest = Digest.Compute(content);

        using (var socket = await SendRawAsync($"POST /v2/{repository}/blobs/uploads/?digest={digest} HTTP/1.1\r\nHost: {Registry.HostAndPort}\r\nContent-Type: application/octet-stream\r\nContent-Length: {content.Length}\r\n\r\n", content[..30_000]))
        {
            await Task.Delay(200);
            socket.Client.Shutdown(SocketShutdown.Both);
        }

        await Task.Delay(200);
        using var get = await Registry.Client.GetAsync($"/v2/{repository}/blobs/{digest}");

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Fact]
    public async Task A_chunk_for_an_upload_another_process_is_appending_to_gets_416_with_the_current_range()
    {
        var location = await StartAsync(RegistryRequests.NewRepository());
        using var first = await PatchAsync(location, new byte[1000], "0-999");
        var uploadId = Guid.Parse(first.Header("Docker-Upload-UUID")).ToString("N");

        // Another replica on the same storage holds the upload's lock while it appends.
        using var otherReplica = new FileStream(Path.Combine(Registry.DataDirectory, "uploads", uploadId), FileMode.Open, FileAccess.Write, FileShare.None);
        using var second = await PatchAsync(location, new byte[1000], "1000-1999");

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, second.StatusCode);
        Assert.Equal("0-999", second.Header("Range"));
        Assert.Equal("BLOB_UPLOAD_INVALID", await second.ErrorCodeAsync());
    }

    private async Task<string> StartAsync(string repository)
    {
        using var response = await Registry.SendAsync(HttpMethod.Post, $"/v2/{repository}/blobs/uploads/");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return response.Headers.Location!.OriginalString;
    }

    private Task<HttpResponseMessage> PatchAsync(string location, byte[] chunk, string? contentRange) =>
        Registry.SendAsync(HttpMethod.Patch, location, chunk, configure: request =>
        {
            if (contentRange is not null)
            {
                request.Content!.Headers.TryAddWithoutValidation("Content-Range", contentRange);
            }
        });

    /// <summary>Sends a request head and part of its body, and leaves the connection open.</summary>
    private async Task<TcpClient> SendRawAsync(string head, byte[] partialBody)
    {
        var socket = new TcpClient();
        await socket.ConnectAsync(Registry.BaseAddress.Host, Registry.BaseAddress.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(partialBody);
        await stream.FlushAsync();
        return socket;
    }

    /// <summary>The server notices the hang-up asynchronously; poll until the session reports its size.</summary>
    private async Task<long> WaitForUploadSizeAsync(string location, long atLeast)
    {
        long size = -1;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var status = await Registry.Client.GetAsync(location);
            var range = status.Header("Range");
            size = long.Parse(range[(range.IndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture) + 1;
            if (size >= atLeast)
            {
                return size;
            }

            await Task.Delay(100);
        }

        return size;
    }
}
