using Hyper.Distribution.Content;
using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Build.Cache;

/// <summary>
/// Build cache made elsewhere (<c>--cache-from</c>): its records, and where their layers are. A layer is
/// fetched only when a step's key finds its record, so a build that reuses little downloads little.
/// </summary>
public sealed class ImportedCache
{
    private readonly IImageContent _content;
    private readonly Dictionary<Digest, CacheRecord> _records;

    private ImportedCache(string name, IImageContent content, IReadOnlyList<CacheRecord> records)
    {
        Name = name;
        _content = content;
        _records = records.DistinctBy(static r => r.Key).ToDictionary(static r => r.Key);
    }

    /// <summary>Where the cache came from, for messages.</summary>
    public string Name { get; }

    public int Count => _records.Count;

    /// <summary>Reads the records of the cache artifact <paramref name="content"/> (named <paramref name="name"/> in messages).</summary>
    /// <exception cref="InvalidOciDocumentException">It is not build cache.</exception>
    public static async Task<ImportedCache> LoadAsync(string name, IImageContent content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var records = await CacheManifest.ReadRecordsAsync(content, cancellationToken).ConfigureAwait(false);
        return new ImportedCache(name, content, records);
    }

    public CacheRecord? Find(Digest key) => _records.GetValueOrDefault(key);

    /// <summary>Copies the layer blob <paramref name="layer"/> into <paramref name="layout"/>, verified, unless it is there.</summary>
    public async Task CopyBlobAsync(Descriptor layer, OciLayout layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(layout);
        if (layout.HasBlob(layer.Digest))
        {
            return;
        }

        var stream = await _content.OpenBlobAsync(layer, 0, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await layout.WriteBlobAsync(stream, layer.MediaType, layer.Digest, layer.Size, cancellationToken).ConfigureAwait(false);
        }
    }
}
