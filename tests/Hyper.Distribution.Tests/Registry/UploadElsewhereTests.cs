using System.Net;

using Hyper.Distribution.Content;
using Hyper.Distribution.Registry;

namespace Hyper.Distribution.Tests.Registry;

/// <summary>
/// A registry that hands its uploads to another host (<c>Location: http://OTHER/…</c>) which challenges for its own
/// credentials: credentials belong to the host:port contacted, never to the image's registry name, and a body that
/// meets a challenge is authenticated and sent again. Redirects (a download sent to a storage host) carry none.
/// </summary>
public sealed class UploadElsewhereTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>, IDisposable
{
    private const string RegistryUser = "pusher";
    private const string RegistryPassword = "registry-secret";
    private const string StorageUser = "storage";
    private const string StoragePassword = "storage-secret";

    private static readonly string RegistryBasic = BasicAuthForwardingHost.Basic(RegistryUser, RegistryPassword);
    private static readonly string StorageBasic = BasicAuthForwardingHost.Basic(StorageUser, StoragePassword);

    private readonly TempDirectory _work = new();

    private RunningRegistry Registry => fixture.Registry;

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Upload_handed_to_another_host_never_gets_the_registry_credentials()
    {
        await using var storage = await BasicAuthForwardingHost.StartAsync(Registry, StorageUser, StoragePassword);
        await using var front = await BasicAuthForwardingHost.StartAsync(Registry, RegistryUser, RegistryPassword, uploadsTo: storage);
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var manifest = await LargeLayerImage.WriteAsync(source, 1_000_000, seed: 21);
        using var client = ClientKnowing((front.HostAndPort, RegistryUser, RegistryPassword));
        var destination = Reference.Parse($"{front.HostAndPort}/elsewhere/refused:v1");

        // Twice: a challenge answered (wrongly) once would be remembered and answered unasked the next time.
        for (var i = 0; i < 2; i++)
        {
            var error = await Assert.ThrowsAsync<RegistryClientException>(
                () => new ImagePusher(client).PushAsync(new LayoutImageContent(source, manifest), destination));
            Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        }

        Assert.Contains(front.Requests, r => r.EndsWith(RegistryBasic, StringComparison.Ordinal));
        Assert.Contains(storage.Requests, r => r.StartsWith("PATCH ", StringComparison.Ordinal));
        Assert.DoesNotContain(storage.Requests, r => r.Contains("Basic ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_handed_to_another_host_continues_with_that_hosts_own_credentials()
    {
        await using var storage = await BasicAuthForwardingHost.StartAsync(Registry, StorageUser, StoragePassword);
        await using var front = await BasicAuthForwardingHost.StartAsync(Registry, RegistryUser, RegistryPassword, uploadsTo: storage);
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var manifest = await LargeLayerImage.WriteAsync(source, 1_000_000, seed: 22);
        using var client = ClientKnowing((front.HostAndPort, RegistryUser, RegistryPassword), (storage.HostAndPort, StorageUser, StoragePassword));

        var pushed = await new ImagePusher(client).PushAsync(
            new LayoutImageContent(source, manifest), Reference.Parse($"{front.HostAndPort}/elsewhere/pushed:v1"));

        Assert.Equal(manifest.Digest, pushed.Digest);
        // Chunks and single PUTs both went to the storage host, each with its own credentials only.
        Assert.Contains(storage.Requests, r => r.StartsWith("PATCH ", StringComparison.Ordinal) && r.EndsWith(StorageBasic, StringComparison.Ordinal));
        Assert.Contains(storage.Requests, r => r.StartsWith("PUT ", StringComparison.Ordinal) && r.EndsWith(StorageBasic, StringComparison.Ordinal));
        Assert.DoesNotContain(storage.Requests, r => r.Contains(RegistryBasic, StringComparison.Ordinal));
        Assert.DoesNotContain(front.Requests, r => r.Contains(StorageBasic, StringComparison.Ordinal));
        await AssertStoredAsync(source, manifest, "elsewhere/pushed:v1");
    }

    [Fact]
    public async Task Blob_PUT_that_meets_an_auth_challenge_is_authenticated_and_sent_again()
    {
        await using var storage = await BasicAuthForwardingHost.StartAsync(Registry, StorageUser, StoragePassword);
        await using var front = await BasicAuthForwardingHost.StartAsync(Registry, user: null, password: null, uploadsTo: storage);
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: "challenged-put");
        // Blobs this small go in one PUT, and that PUT, with its body, is the first request the storage host sees.
        using var client = ClientKnowing((storage.HostAndPort, StorageUser, StoragePassword));

        var pushed = await new ImagePusher(client).PushAsync(
            new LayoutImageContent(source, image.Manifest), Reference.Parse($"{front.HostAndPort}/elsewhere/put:v1"));

        Assert.Equal(image.Manifest.Digest, pushed.Digest);
        // Per upload session (blobs go in parallel): refused without credentials, then the same body again with them;
        // later sessions carry them from the start.
        var sessions = storage.Requests
            .Where(r => r.StartsWith("PUT ", StringComparison.Ordinal))
            .Select(r => r.Split(' ', 3))
            .GroupBy(parts => parts[1], parts => parts[2])
            .ToList();
        Assert.Contains(sessions, session => session.SequenceEqual(["-", StorageBasic]));
        Assert.All(sessions, session => Assert.Equal(StorageBasic, session.Last()));
        Assert.DoesNotContain(storage.Requests, r => r.StartsWith("PATCH ", StringComparison.Ordinal));
        await AssertStoredAsync(source, image.Manifest, "elsewhere/put:v1");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Download_redirected_to_another_host_carries_no_credentials_there(bool storageChallenges)
    {
        var content = "layer bytes"u8.ToArray();
        var blob = Descriptor.For(content, MediaTypes.OciLayer);
        var storageSaw = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var storage = await ScriptedHttpHost.StartAsync(async context =>
        {
            var authorization = context.Request.Headers.Authorization.ToString();
            storageSaw.Enqueue(authorization);
            if (storageChallenges)
            {
                context.Response.StatusCode = (int)HttpStatusCode.Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"storage\"";
                return;
            }

            await context.Response.Body.WriteAsync(content);
        });
        await using var registry = await ScriptedHttpHost.StartAsync(context =>
        {
            if (context.Request.Headers.Authorization != RegistryBasic)
            {
                context.Response.StatusCode = (int)HttpStatusCode.Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"registry\"";
                return Task.CompletedTask;
            }

            context.Response.StatusCode = (int)HttpStatusCode.TemporaryRedirect;
            context.Response.Headers.Location = $"http://{storage.HostAndPort}/blob";
            return Task.CompletedTask;
        });
        using var client = ClientKnowing((registry.HostAndPort, RegistryUser, RegistryPassword));

        async Task<byte[]> DownloadAsync()
        {
            var stream = await client.GetBlobAsync(Reference.Parse($"{registry.HostAndPort}/redirected/app"), blob, CancellationToken.None);
            await using (stream)
            {
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy);
                return copy.ToArray();
            }
        }

        if (storageChallenges)
        {
            var error = await Assert.ThrowsAsync<RegistryClientException>(DownloadAsync);
            Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        }
        else
        {
            Assert.Equal(content, await DownloadAsync());
        }

        Assert.NotEmpty(storageSaw);
        Assert.All(storageSaw, authorization => Assert.Equal(string.Empty, authorization));
    }

    /// <summary>A client with small chunks that knows exactly the given hosts' credentials.</summary>
    private static RegistryClient ClientKnowing(params (string Host, string User, string Password)[] known) =>
        new(new RegistryClientOptions
        {
            UploadChunkSize = 256 * 1024,
            RetryDelay = TimeSpan.FromMilliseconds(10),
            MaxRetries = 1,
            Credentials = IRegistryCredentialProvider.FromCallback(host =>
                known.FirstOrDefault(k => k.Host == host) is { User: not null } match ? new RegistryCredential(match.User, match.Password) : null),
        });

    private async Task AssertStoredAsync(OciLayout source, Manifest manifest, string repositoryAndTag)
    {
        using var client = new RegistryClient();
        var reference = Reference.Parse($"{Registry.HostAndPort}/{repositoryAndTag}");
        Assert.Equal(manifest.Bytes.ToArray(), (await client.GetManifestAsync(reference, CancellationToken.None)).Bytes.ToArray());
        foreach (var blob in manifest.Blobs)
        {
            var stream = await client.GetBlobAsync(reference, blob, CancellationToken.None);
            await using (stream)
            {
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy);
                Assert.Equal(await source.ReadBlobAsync(blob), copy.ToArray());
            }
        }
    }
}
