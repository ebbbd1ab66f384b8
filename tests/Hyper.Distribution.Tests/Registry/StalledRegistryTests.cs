using System.Diagnostics;

using Hyper.Distribution.Registry;

using Microsoft.AspNetCore.Http;

namespace Hyper.Distribution.Tests.Registry;

/// <summary>
/// Registries that leave a client waiting: no answer at all, an answer that stops half-way, a Retry-After of a day.
/// The client gives up after its read timeout (an idle one: a slow answer that keeps moving is not cut) and waits
/// at most its longest Retry-After, and the error says what it waited for, where, and how long.
/// </summary>
public sealed class StalledRegistryTests
{
    private static readonly Descriptor Blob = Descriptor.For(new byte[1000], MediaTypes.OciLayer);

    /// <summary>Ends a test that would otherwise wait for ever (the bug) as a failure instead.</summary>
    private static CancellationToken Guard => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task Registry_that_accepts_and_never_answers_fails_the_request_after_the_read_timeout()
    {
        await using var host = await ScriptedHttpHost.StartAsync(context => Task.Delay(Timeout.Infinite, ScriptedHttpHost.Ending(context)));
        using var client = new RegistryClient(new RegistryClientOptions { ReadTimeout = TimeSpan.FromSeconds(1), MaxRetries = 0 });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RegistryClientException>(
            () => client.GetManifestAsync(Reference.Parse($"{host.HostAndPort}/stalled/app:v1"), Guard));

        Assert.Equal(
            $"no answer from registry {host.HostAndPort} to GET http://{host.HostAndPort}/v2/stalled/app/manifests/v1: nothing arrived for 1 s (the read timeout)",
            error.Message);
        Assert.Equal(RegistryErrorCodes.Timeout, error.ErrorCode);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Read_timeout_is_retried_like_a_broken_connection()
    {
        await using var host = await ScriptedHttpHost.StartAsync(context => Task.Delay(Timeout.Infinite, ScriptedHttpHost.Ending(context)));
        using var client = new RegistryClient(new RegistryClientOptions
        {
            ReadTimeout = TimeSpan.FromSeconds(1),
            MaxRetries = 2,
            RetryDelay = TimeSpan.FromMilliseconds(10),
        });

        var error = await Assert.ThrowsAsync<RegistryClientException>(() => client.GetManifestAsync(Reference.Parse($"{host.HostAndPort}/stalled/app:v1"), Guard));

        Assert.Equal(RegistryErrorCodes.Timeout, error.ErrorCode);
        // Three tries; on a loaded machine a try's second may run out before its request is even handed to the
        // server (the time counts from the start), so the server is sure to see only more than one.
        Assert.InRange(host.RequestCount, 2, 3);
    }

    [Fact]
    public async Task Download_that_stops_half_way_fails_after_the_read_timeout_saying_how_far_it_got()
    {
        await using var host = await ScriptedHttpHost.StartAsync(async context =>
        {
            context.Response.ContentLength = Blob.Size;
            await context.Response.Body.WriteAsync(new byte[10]);
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, ScriptedHttpHost.Ending(context));
        });
        using var client = new RegistryClient(new RegistryClientOptions { ReadTimeout = TimeSpan.FromSeconds(1), MaxRetries = 0 });
        var reference = Reference.Parse($"{host.HostAndPort}/stalled/app");

        var error = await Assert.ThrowsAsync<RegistryClientException>(async () =>
        {
            var blob = await client.GetBlobAsync(reference, Blob, Guard);
            await using (blob)
            {
                await blob.CopyToAsync(Stream.Null, Guard);
            }
        });

        Assert.Equal(
            $"registry {host.HostAndPort} stopped sending the answer to GET http://{host.HostAndPort}/v2/stalled/app/blobs/{Uri.EscapeDataString(Blob.Digest.ToString())} after 10 bytes: nothing arrived for 1 s (the read timeout)",
            error.Message);
    }

    [Fact]
    public async Task Upload_the_registry_stops_taking_fails_after_the_read_timeout_saying_how_far_it_got()
    {
        // Far more than Kestrel and the sockets buffer, so the writes stop once the registry stops reading.
        const long size = 256L * 1024 * 1024;
        await using var host = await ScriptedHttpHost.StartAsync(async context =>
        {
            if (HttpMethods.IsPost(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                context.Response.Headers.Location = "/v2/stalled/app/blobs/uploads/session";
                return;
            }

            await Task.Delay(Timeout.Infinite, ScriptedHttpHost.Ending(context));
        });
        using var client = new RegistryClient(new RegistryClientOptions { ReadTimeout = TimeSpan.FromSeconds(1), MaxRetries = 0, UploadChunkSize = size });
        var blob = new Descriptor { MediaType = MediaTypes.OciLayer, Digest = Blob.Digest, Size = size };

        var error = await Assert.ThrowsAsync<RegistryClientException>(() => client.UploadBlobAsync(
            Reference.Parse($"{host.HostAndPort}/stalled/app"), blob, (_, _) => Task.FromResult<Stream>(new ZeroStream(size)), Guard));

        Assert.StartsWith($"registry {host.HostAndPort} stopped taking the body of PUT http://{host.HostAndPort}/v2/stalled/app/blobs/uploads/session after ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(" bytes: nothing moved for 1 s (the read timeout)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answer_that_keeps_moving_is_not_cut_however_long_it_takes()
    {
        // 16 pieces 150 ms apart take over 2 s in all, twice the read timeout, with no gap near it.
        await using var host = await ScriptedHttpHost.StartAsync(async context =>
        {
            context.Response.ContentLength = Blob.Size;
            for (var sent = 0; sent < Blob.Size; sent += 64)
            {
                await context.Response.Body.WriteAsync(new byte[Math.Min(64, Blob.Size - sent)]);
                await context.Response.Body.FlushAsync();
                await Task.Delay(150);
            }
        });
        using var client = new RegistryClient(new RegistryClientOptions { ReadTimeout = TimeSpan.FromSeconds(1), MaxRetries = 0 });
        var clock = Stopwatch.StartNew();

        var blob = await client.GetBlobAsync(Reference.Parse($"{host.HostAndPort}/slow/app"), Blob, Guard);
        await using (blob)
        {
            await blob.CopyToAsync(Stream.Null, Guard);
        }

        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(1), $"the answer took {clock.Elapsed}, less than the read timeout");
    }

    [Theory]
    [InlineData(StatusCodes.Status429TooManyRequests)]
    [InlineData(StatusCodes.Status503ServiceUnavailable)]
    public async Task Retry_After_of_a_day_is_not_waited_for(int status)
    {
        await using var host = await ScriptedHttpHost.StartAsync(context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.RetryAfter = "86400";
            return Task.CompletedTask;
        });
        using var client = new RegistryClient(new RegistryClientOptions { MaxRetryAfter = TimeSpan.FromSeconds(2), RetryDelay = TimeSpan.FromMilliseconds(10) });
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<RegistryClientException>(
            () => client.GetManifestAsync(Reference.Parse($"{host.HostAndPort}/limited/app:v1"), Guard));

        Assert.EndsWith(
            $"the registry asks to wait 86400 s before GET http://{host.HostAndPort}/v2/limited/app/manifests/v1 is tried again (Retry-After), longer than the 2 s this client waits at most",
            error.Message,
            StringComparison.Ordinal);
        Assert.Equal(1, host.RequestCount);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Retry_After_within_the_longest_wait_is_obeyed()
    {
        var answered = 0;
        await using var host = await ScriptedHttpHost.StartAsync(context =>
        {
            context.Response.StatusCode = Interlocked.Increment(ref answered) == 1 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status404NotFound;
            context.Response.Headers.RetryAfter = "1";
            return Task.CompletedTask;
        });
        using var client = new RegistryClient(new RegistryClientOptions { MaxRetryAfter = TimeSpan.FromSeconds(2), RetryDelay = TimeSpan.FromMilliseconds(10) });
        var clock = Stopwatch.StartNew();

        Assert.Null(await client.HeadManifestAsync(Reference.Parse($"{host.HostAndPort}/limited/app:v1"), Guard));

        Assert.Equal(2, host.RequestCount);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"waited {clock.Elapsed}, not the second asked for");
    }

    /// <summary><paramref name="length"/> zero bytes, made as they are read.</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _read;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _read);
            Array.Clear(buffer, offset, n);
            _read += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
