using Hyper.Distribution.Content;
using Hyper.Distribution.Registry;

namespace Hyper.Distribution.Tests;

/// <summary>Pushes OCI layouts to a real hyperregistry on 127.0.0.1 (through a recording proxy where requests are counted) and pulls them back.</summary>
public sealed class ImagePusherTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>, IDisposable
{
    private static readonly Platform Amd64 = Platform.Parse("linux/amd64");
    private static readonly Platform Arm64 = new() { OS = "linux", Architecture = "arm64", Variant = "v8" };

    private readonly TempDirectory _work = new();
    private readonly RegistryClient _client = new();

    private RunningRegistry Registry => fixture.Registry;

    public void Dispose()
    {
        _client.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task Push_then_pull_gives_the_identical_manifest_and_blobs()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: "push-pull");

        var pushed = await new ImagePusher(_client).PushAsync(new LayoutImageContent(source, image.Manifest), Ref("push/roundtrip:v1"));
        var destination = await OciLayout.CreateAsync(_work.Combine("dest"));
        var pulled = await new ImagePuller(_client).PullAsync(Ref("push/roundtrip:v1"), Amd64, destination, tag: "v1");

        Assert.Equal(image.Manifest.ToDescriptor(), pushed);
        Assert.Equal(image.Manifest.Bytes.ToArray(), pulled.Manifest.Bytes.ToArray());
        foreach (var blob in image.Manifest.Blobs)
        {
            Assert.Equal(await source.ReadBlobAsync(blob), await destination.ReadBlobAsync(blob));
        }
    }

    [Fact]
    public async Task A_corrupt_local_blob_fails_the_push_at_once_naming_it_not_as_a_network_error()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: "corrupt");
        var layer = image.Manifest.Image!.Layers[0];
        var bytes = await File.ReadAllBytesAsync(source.GetBlobPath(layer.Digest));
        bytes[^1] ^= 0xff;
        await File.WriteAllBytesAsync(source.GetBlobPath(layer.Digest), bytes);
        using var client = new RegistryClient(new RegistryClientOptions { RetryDelay = TimeSpan.FromSeconds(5) });
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAnyAsync<Exception>(
            () => new ImagePusher(client).PushAsync(new LayoutImageContent(source, image.Manifest), Ref("push/corrupt:v1")));

        // Whichever side notices first: our stream at its last read, or the registry checking the digest.
        Assert.True(
            error is DigestMismatchException { Expected: var expected } && expected == layer.Digest
            || error is RegistryClientException { ErrorCode: "DIGEST_INVALID" } && error.Message.Contains(layer.Digest.ToString(), StringComparison.Ordinal),
            error.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"not retried: took {clock.Elapsed}");
        Assert.False(await client.BlobExistsAsync(Ref("push/corrupt:v1"), layer, CancellationToken.None));
    }

    [Fact]
    public async Task Push_of_an_index_stores_both_platform_images_and_the_index()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var index = await MultiPlatformImage.WriteAsync(source, Amd64, Arm64);

        var pushed = await new ImagePusher(_client).PushAsync(new LayoutImageContent(source, index), Ref("push/multi:latest"));

        Assert.Equal(index.Digest, pushed.Digest);
        Assert.Equal(MediaTypes.OciIndex, pushed.MediaType);
        Assert.Equal(index.Bytes.ToArray(), (await _client.GetManifestAsync(Ref("push/multi:latest"), CancellationToken.None)).Bytes.ToArray());
        foreach (var platform in new[] { Amd64, Arm64 })
        {
            var destination = await OciLayout.CreateAsync(_work.Combine($"dest-{platform.Architecture}"));
            var pulled = await new ImagePuller(_client).PullAsync(Ref("push/multi:latest"), platform, destination);
            Assert.Equal(platform.Architecture, pulled.Config.Architecture);
            Assert.Contains(index.Children, child => child.Digest == pulled.Manifest.Digest);
        }
    }

    [Fact]
    public async Task Blobs_the_registry_has_are_not_uploaded_again()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: "again");
        await using var proxy = await FaultInjectingProxy.StartAsync(Registry);
        var pusher = new ImagePusher(_client);
        var content = new LayoutImageContent(source, image.Manifest);
        await pusher.PushAsync(content, Reference.Parse($"{proxy.HostAndPort}/push/again:v1"));
        await proxy.ClearRequestsAsync();

        await pusher.PushAsync(content, Reference.Parse($"{proxy.HostAndPort}/push/again:v2"));

        var requests = (await proxy.SettledRequestsAsync()).ToList();
        Assert.Equal(3, requests.Count(r => r.Method == "HEAD" && r.Target.Contains("/blobs/", StringComparison.Ordinal)));
        Assert.DoesNotContain(requests, r => r.Target.Contains("/blobs/uploads/", StringComparison.Ordinal));
        Assert.Single(requests, r => r.Method == "PUT" && r.Target.EndsWith("/manifests/v2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Blobs_of_another_repository_of_the_registry_are_mounted_not_uploaded()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: "mounted");
        await using var proxy = await FaultInjectingProxy.StartAsync(Registry);
        var pusher = new ImagePusher(_client);
        var origin = Reference.Parse($"{proxy.HostAndPort}/push/mount-origin:v1");
        await pusher.PushAsync(new LayoutImageContent(source, image.Manifest), origin);
        await proxy.ClearRequestsAsync();

        var pushed = await pusher.PushAsync(
            new RegistryRepositoryContent(new LayoutImageContent(source, image.Manifest), origin),
            Reference.Parse($"{proxy.HostAndPort}/push/mount-target:v1"));

        var requests = (await proxy.SettledRequestsAsync()).ToList();
        var mounts = requests.Where(r => r.Method == "POST" && r.Target.Contains("mount=", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, mounts.Count);
        Assert.All(mounts, m => Assert.Equal(201, m.Status));
        Assert.All(mounts, m => Assert.Contains("from=push%2Fmount-origin", m.Target, StringComparison.Ordinal));
        Assert.DoesNotContain(requests, r => r.Method == "PATCH" || (r.Method == "PUT" && r.Target.Contains("/blobs/", StringComparison.Ordinal)));
        Assert.Equal(image.Manifest.Digest, pushed.Digest);
        var destination = await OciLayout.CreateAsync(_work.Combine("dest"));
        var pulled = await new ImagePuller(_client).PullAsync(Ref("push/mount-target:v1"), Amd64, destination);
        Assert.Equal(image.Manifest.Digest, pulled.Manifest.Digest);
    }

    [Fact]
    public async Task Mount_from_a_repository_without_the_blobs_falls_back_to_upload()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: "mount-fallback");

        var pushed = await new ImagePusher(_client).PushAsync(
            new RegistryRepositoryContent(new LayoutImageContent(source, image.Manifest), Ref("push/never-pushed:v1")),
            Ref("push/mount-fallback:v1"));

        Assert.Equal(image.Manifest.Digest, pushed.Digest);
        Assert.NotNull(await _client.HeadManifestAsync(Ref("push/mount-fallback:v1"), CancellationToken.None));
    }

    [Fact]
    public async Task Large_blobs_are_uploaded_in_chunks_of_the_configured_size()
    {
        const int chunk = 64 * 1024;
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var manifest = await LargeLayerImage.WriteAsync(source, 300_000, seed: 1);
        var large = manifest.Image!.Layers[1];
        await using var proxy = await FaultInjectingProxy.StartAsync(Registry);
        using var client = new RegistryClient(new RegistryClientOptions { UploadChunkSize = chunk });

        await new ImagePusher(client).PushAsync(new LayoutImageContent(source, manifest), Reference.Parse($"{proxy.HostAndPort}/push/chunked:v1"));

        var patches = (await proxy.SettledRequestsAsync()).Where(r => r.Method == "PATCH").ToList();
        Assert.Equal((int)((large.Size + chunk - 1) / chunk), patches.Count);
        Assert.Equal(large.Size, patches.Sum(p => p.BodyBytes));
        Assert.Equal($"0-{chunk - 1}", patches[0].ContentRange);
        Assert.All(patches.SkipLast(1), p => Assert.Equal(chunk, p.BodyBytes));
        var destination = await OciLayout.CreateAsync(_work.Combine("dest"));
        var pulled = await new ImagePuller(_client).PullAsync(Ref("push/chunked:v1"), Amd64, destination);
        Assert.Equal(manifest.Digest, pulled.Manifest.Digest);
        Assert.Equal(await source.ReadBlobAsync(large), await destination.ReadBlobAsync(large));
    }

    private Reference Ref(string repositoryAndTag) => Reference.Parse($"{Registry.HostAndPort}/{repositoryAndTag}");
}
