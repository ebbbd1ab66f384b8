using Hyper.Distribution.Content;
using Hyper.Distribution.Registry;

namespace Hyper.Distribution.Tests.Interop;

/// <summary>Push to and pull from CNCF Distribution (Debian's docker-registry), the registry most others follow.</summary>
public sealed class DistributionInteropTests(DistributionRegistry registry) : IClassFixture<DistributionRegistry>, IDisposable
{
    private static readonly Platform Amd64 = Platform.Parse("linux/amd64");
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Chunked_push_then_pull_gives_identical_digests_and_bytes()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var manifest = await LargeLayerImage.WriteAsync(source, 600_000, seed: 6);
        // Small chunks, so Distribution assembles the large layer from several PATCHes.
        using var client = new RegistryClient(new RegistryClientOptions { UploadChunkSize = 128 * 1024 });
        var reference = Reference.Parse($"{registry.HostAndPort}/interop/distribution:v1");

        var pushed = await new ImagePusher(client).PushAsync(new LayoutImageContent(source, manifest), reference);
        var destination = await OciLayout.CreateAsync(_work.Combine("dest"));
        var pulled = await new ImagePuller(client).PullAsync(reference, Amd64, destination);

        Assert.Equal(manifest.Digest, pushed.Digest);
        Assert.Equal(manifest.Bytes.ToArray(), pulled.Manifest.Bytes.ToArray());
        foreach (var blob in manifest.Blobs)
        {
            Assert.Equal(await source.ReadBlobAsync(blob), await destination.ReadBlobAsync(blob));
        }
    }

    [Fact]
    public async Task Index_push_and_mount_between_repositories()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var index = await MultiPlatformImage.WriteAsync(source, Amd64, new Platform { OS = "linux", Architecture = "arm64", Variant = "v8" });
        using var client = new RegistryClient();
        var pusher = new ImagePusher(client);
        var origin = Reference.Parse($"{registry.HostAndPort}/interop/origin:v1");
        await pusher.PushAsync(new LayoutImageContent(source, index), origin);

        var mounted = await pusher.PushAsync(
            new RegistryRepositoryContent(new LayoutImageContent(source, index), origin),
            Reference.Parse($"{registry.HostAndPort}/interop/mounted:v1"));

        Assert.Equal(index.Digest, mounted.Digest);
        var head = await client.HeadManifestAsync(Reference.Parse($"{registry.HostAndPort}/interop/mounted:v1"), CancellationToken.None);
        Assert.Equal(index.Digest, head!.Digest);
    }
}
