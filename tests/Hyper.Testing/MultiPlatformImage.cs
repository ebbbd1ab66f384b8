using Hyper.Oci.Layout;

namespace Hyper.Testing;

/// <summary>An OCI index over one image per platform, each with its own layer (<c>/etc/platform</c>) and a config naming its platform.</summary>
public static class MultiPlatformImage
{
    public static async Task<Manifest> WriteAsync(OciLayout layout, params Platform[] platforms)
    {
        var entries = new List<Descriptor>();
        foreach (var platform in platforms)
        {
            var tar = TestImages.LayerTar(("etc/", null), ("etc/platform", platform.ToString()));
            var layer = await layout.WriteBlobAsync(TestImages.Compress(tar, LayerCompression.Gzip), MediaTypes.OciLayerGzip);
            var config = TestImages.Config([Digest.Compute(tar)], platform.ToString()) with
            {
                OS = platform.OS,
                Architecture = platform.Architecture,
                Variant = platform.Variant,
            };
            var configDescriptor = await layout.WriteBlobAsync(config.ToJson(), MediaTypes.OciConfig);
            var manifest = Manifest.Create(new ImageManifest { Config = configDescriptor, Layers = [layer] });
            await layout.WriteBlobAsync(manifest.Bytes, manifest.MediaType);
            entries.Add(manifest.ToDescriptor(platform: platform));
        }

        var index = Manifest.Create(new ImageIndex { Manifests = entries });
        await layout.WriteBlobAsync(index.Bytes, index.MediaType);
        return index;
    }
}
