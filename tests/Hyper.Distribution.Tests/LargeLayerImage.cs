namespace Hyper.Distribution.Tests;

/// <summary>
/// A linux/amd64 image with one small and one large uncompressed layer of random content, so uploads and
/// downloads are big enough to chunk and to break in the middle; the seed makes it the same every time.
/// </summary>
internal static class LargeLayerImage
{
    public static async Task<Manifest> WriteAsync(OciLayout layout, int largeLayerBytes, int seed, string? tag = null)
    {
        var random = new Random(seed);
        var noise = new byte[largeLayerBytes * 3 / 4];
        random.NextBytes(noise);
        var tars = new[]
        {
            TestImages.LayerTar(("etc/", null), ($"etc/seed-{seed}", "small\n")),
            TestImages.LayerTar(("data/", null), ("data/noise.b64", Convert.ToBase64String(noise))),
        };
        var layers = new List<Descriptor>();
        foreach (var tar in tars)
        {
            layers.Add(await layout.WriteBlobAsync(tar, MediaTypes.OciLayer));
        }

        var config = TestImages.Config([.. tars.Select(tar => Digest.Compute(tar))], $"large-{seed}");
        var configDescriptor = await layout.WriteBlobAsync(config.ToJson(), MediaTypes.OciConfig);
        var manifest = Manifest.Create(new ImageManifest { Config = configDescriptor, Layers = layers });
        await layout.AddManifestAsync(manifest, tag);
        return manifest;
    }
}
