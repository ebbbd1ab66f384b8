using Hyper.Distribution.Registry;

namespace Hyper.Distribution.Tests.Interop;

/// <summary>Images pushed by skopeo (the reference client) pull back with identical digests.</summary>
public sealed class SkopeoInteropTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task Image_pushed_by_skopeo_pulls_with_identical_digests()
    {
        using var work = new TempDirectory();
        var source = await OciLayout.CreateAsync(work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: "skopeo-pushed");
        var registry = fixture.Registry.HostAndPort;
        await ExternalProcess.RunCheckedAsync(
            "skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", "--preserve-digests", $"oci:{source.Path}:v1", $"docker://{registry}/interop/skopeo:v1");
        var destination = await OciLayout.CreateAsync(work.Combine("dest"));
        using var client = new RegistryClient();

        var pulled = await new ImagePuller(client).PullAsync(Reference.Parse($"{registry}/interop/skopeo:v1"), Platform.Parse("linux/amd64"), destination, tag: "v1");

        Assert.Equal(image.Manifest.Digest, pulled.Manifest.Digest);
        Assert.Equal(image.ConfigDescriptor.Digest, pulled.ConfigDescriptor.Digest);
        Assert.Equal(image.Layers.Select(l => l.Digest), pulled.Layers.Select(l => l.Digest));
        foreach (var layer in image.Layers)
        {
            await destination.VerifyBlobAsync(layer.Digest, layer.Size);
        }
    }
}
