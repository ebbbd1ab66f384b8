using Hyper.Oci;

namespace Hyper.Distribution.Content;

/// <summary>
/// Everything an image or index consists of, read through <see cref="IImageContent"/>: its manifests, children
/// before the indexes that list them, and the blobs they name, each once. Writers store them in this order, so no
/// destination ever holds a manifest naming something it lacks.
/// </summary>
public sealed class ImageGraph
{
    private ImageGraph(IReadOnlyList<Manifest> manifests, IReadOnlyList<Descriptor> blobs)
    {
        Manifests = manifests;
        Blobs = blobs;
    }

    /// <summary>The manifests, depth first, children before parents; the top manifest is last.</summary>
    public IReadOnlyList<Manifest> Manifests { get; }

    /// <summary>The configs and layers of all images, each digest once; foreign layers (with urls), which no destination holds, left out.</summary>
    public IReadOnlyList<Descriptor> Blobs { get; }

    /// <summary>The top manifest.</summary>
    public Manifest Top => Manifests[^1];

    /// <summary>Reads the child manifests of <paramref name="content"/>, recursively.</summary>
    public static async Task<ImageGraph> LoadAsync(IImageContent content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var manifests = new List<Manifest>();
        await CollectAsync(content, content.Manifest, manifests, cancellationToken).ConfigureAwait(false);
        var blobs = manifests.SelectMany(static m => m.Blobs)
            .Where(static d => d.Urls is not { Count: > 0 })
            .DistinctBy(static d => d.Digest)
            .ToList();
        return new ImageGraph(manifests, blobs);
    }

    /// <summary>What a person sees for <paramref name="blob"/> in progress output, as <see cref="ImagePusher"/> names it: <c>config</c> or <c>layer 3f1e…</c> (12 hex digits).</summary>
    public string Describe(Descriptor blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var isConfig = Manifests.Any(m => m.Image?.Config.Digest == blob.Digest);
        return isConfig ? "config" : $"layer {blob.Digest.Encoded[..12]}";
    }

    private static async Task CollectAsync(IImageContent content, Manifest manifest, List<Manifest> into, CancellationToken cancellationToken)
    {
        foreach (var child in manifest.Children)
        {
            if (into.All(m => m.Digest != child.Digest))
            {
                var childManifest = await content.GetManifestAsync(child, cancellationToken).ConfigureAwait(false);
                await CollectAsync(content, childManifest, into, cancellationToken).ConfigureAwait(false);
            }
        }

        into.Add(manifest);
    }
}
