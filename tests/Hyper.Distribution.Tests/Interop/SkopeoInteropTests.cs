using System.Text.Json;

using Hyper.Distribution.Content;
using Hyper.Distribution.Registry;

namespace Hyper.Distribution.Tests.Interop;

/// <summary>Images pushed by skopeo (the reference client) pull back with identical digests, and skopeo reads what we push.</summary>
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

    [Fact]
    public async Task Image_pushed_by_hyper_is_read_by_skopeo_with_the_same_digest()
    {
        using var work = new TempDirectory();
        var source = await OciLayout.CreateAsync(work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: "hyper-pushed");
        var registry = fixture.Registry.HostAndPort;
        // Chunked, so skopeo reads a blob assembled from PATCHes.
        using var client = new RegistryClient(new RegistryClientOptions { UploadChunkSize = 100 });
        await new ImagePusher(client).PushAsync(new LayoutImageContent(source, image.Manifest), Reference.Parse($"{registry}/interop/hyper:v1"));

        var inspected = await ExternalProcess.RunCheckedAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{registry}/interop/hyper:v1");
        using var json = JsonDocument.Parse(inspected.StandardOutput);
        Assert.Equal(image.Manifest.Digest.ToString(), json.RootElement.GetProperty("Digest").GetString());
        Assert.Equal(image.Layers.Select(l => l.Digest.ToString()), json.RootElement.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()));

        var copy = work.Combine("copy");
        await ExternalProcess.RunCheckedAsync(
            "skopeo", "--insecure-policy", "copy", "--src-tls-verify=false", "--preserve-digests", $"docker://{registry}/interop/hyper:v1", $"oci:{copy}:v1");
        var copied = await OciLayout.OpenAsync(copy);
        Assert.Equal(image.Manifest.Digest, (await copied.ResolveAsync("v1")).Digest);
        foreach (var blob in image.Manifest.Blobs)
        {
            await copied.VerifyBlobAsync(blob.Digest, blob.Size);
        }
    }
}
