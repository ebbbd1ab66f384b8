using Hyper.Distribution.Content;
using Hyper.Distribution.Registry;

namespace Hyper.Distribution.Tests.Content;

public sealed class RegistryImageContentTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>, IDisposable
{
    private readonly TempDirectory _work = new();
    private readonly RegistryClient _client = new();

    public void Dispose()
    {
        _client.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task Blobs_stream_from_the_registry_whole_or_from_an_offset()
    {
        var image = await fixture.Registry.PushTestImageAsync(_work.Path, "content/blobs", "v1");
        var content = await RegistryImageContent.OpenAsync(_client, Reference.Parse($"{fixture.Registry.HostAndPort}/content/blobs:v1"), CancellationToken.None);
        var layer = image.Layers[1];
        var expected = TestImages.Compress(image.LayerTars[1], LayerCompression.Gzip);
        Assert.Equal(layer.Digest, Digest.Compute(expected));

        Assert.Equal(image.Manifest.Digest, content.Manifest.Digest);
        Assert.Equal(content.RegistryRepository, content.Reference);
        Assert.Equal(expected, await ReadAllAsync(await content.OpenBlobAsync(layer, 0, CancellationToken.None)));
        Assert.Equal(expected[10..], await ReadAllAsync(await content.OpenBlobAsync(layer, 10, CancellationToken.None)));
    }

    [Fact]
    public async Task One_platform_of_an_index_is_chosen_and_a_missing_one_named()
    {
        var layout = await OciLayout.CreateAsync(_work.Combine("multi"));
        var index = await MultiPlatformImage.WriteAsync(layout, Platform.Parse("linux/amd64"), Platform.Parse("linux/arm64/v8"));
        await fixture.Registry.PushAsync(layout, index, "content/multi", "v1");
        var content = await RegistryImageContent.OpenAsync(_client, Reference.Parse($"{fixture.Registry.HostAndPort}/content/multi:v1"), CancellationToken.None);

        var arm = await PlatformImageContent.SelectAsync(content, Platform.Parse("linux/arm64"), "multi", CancellationToken.None);
        var missing = await Assert.ThrowsAsync<PlatformNotFoundException>(() =>
            PlatformImageContent.SelectAsync(content, Platform.Parse("linux/riscv64"), "multi", CancellationToken.None));

        Assert.Equal(index.Index!.Manifests[1].Digest, arm.Manifest.Digest);
        Assert.Equal(content.Reference, arm.RegistryRepository);
        Assert.Equal("multi has no image for linux/riscv64; available: linux/amd64, linux/arm64/v8", missing.Message);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }
}
