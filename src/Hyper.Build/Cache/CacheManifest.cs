using System.Text.Json;

using Hyper.Distribution.Content;
using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Build.Cache;

/// <summary>
/// Build cache as an OCI artifact, so any registry or OCI layout can carry it (<c>--cache-to</c>,
/// <c>--cache-from</c>): an image manifest whose config, of media type <see cref="ConfigMediaType"/>, is the list
/// of <see cref="CacheRecord"/>s, and whose layers are the layer blobs those records name. Keys hold no paths or
/// host names, so another machine building the same inputs computes the same keys and finds the records.
/// </summary>
public static class CacheManifest
{
    public const string ConfigMediaType = "application/vnd.hyper.buildcache.config.v1+json";

    /// <summary>The manifest annotation that holds an image's own records (<c>--cache-to type=inline</c>).</summary>
    public const string InlineAnnotation = "dev.hyper.buildcache.v1";

    /// <summary>The annotations of an image manifest carrying <paramref name="records"/> inline; their layers are the image's.</summary>
    public static IReadOnlyDictionary<string, string> InlineAnnotations(IReadOnlyList<CacheRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var list = records.DistinctBy(static r => r.Key).OrderBy(static r => r.Key.ToString(), StringComparer.Ordinal).ToList();
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [InlineAnnotation] = JsonSerializer.Serialize(list, CacheJsonContext.Default.ListCacheRecord),
        };
    }

    /// <summary>
    /// Writes the config and manifest for <paramref name="records"/> into <paramref name="layout"/> (which has
    /// their layers) without naming them there, and returns the artifact to copy wherever the cache goes.
    /// </summary>
    public static async Task<IImageContent> CreateAsync(IReadOnlyList<CacheRecord> records, OciLayout layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(layout);
        var distinct = records.DistinctBy(static r => r.Key).OrderBy(static r => r.Key.ToString(), StringComparer.Ordinal).ToList();
        var config = await layout.WriteBlobAsync(
            JsonSerializer.SerializeToUtf8Bytes(distinct, CacheJsonContext.Default.ListCacheRecord), ConfigMediaType, cancellationToken).ConfigureAwait(false);
        var manifest = Manifest.Create(new ImageManifest
        {
            MediaType = MediaTypes.OciManifest,
            Config = config,
            Layers = [.. distinct.Select(static r => r.Layer).OfType<Descriptor>().DistinctBy(static l => l.Digest)],
        });
        await layout.WriteBlobAsync(manifest.Bytes, manifest.MediaType, cancellationToken).ConfigureAwait(false);
        return new LayoutImageContent(layout, manifest);
    }

    /// <summary>The records in a cache artifact, or inline in an image, read from anywhere.</summary>
    /// <exception cref="InvalidOciDocumentException">It is not build cache (another image, or damaged).</exception>
    public static async Task<IReadOnlyList<CacheRecord>> ReadRecordsAsync(IImageContent content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Manifest.Image?.Annotations?.GetValueOrDefault(InlineAnnotation) is { } inline)
        {
            try
            {
                return JsonSerializer.Deserialize(inline, CacheJsonContext.Default.ListCacheRecord) ?? [];
            }
            catch (JsonException e)
            {
                throw new InvalidOciDocumentException($"its inline cache annotation is not valid: {e.Message}", e);
            }
        }

        if (content.Manifest.Image is not { } image || !MediaTypes.Equal(image.Config.MediaType, ConfigMediaType))
        {
            throw new InvalidOciDocumentException($"it is neither hyperbuild build cache (config {ConfigMediaType}) nor an image built with --cache-to type=inline");
        }

        var stream = await content.OpenBlobAsync(image.Config, 0, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                return await JsonSerializer.DeserializeAsync(stream, CacheJsonContext.Default.ListCacheRecord, cancellationToken).ConfigureAwait(false) ?? [];
            }
            catch (JsonException e)
            {
                throw new InvalidOciDocumentException($"its record list is not valid: {e.Message}", e);
            }
        }
    }
}
