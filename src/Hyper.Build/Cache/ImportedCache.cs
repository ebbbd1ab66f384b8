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
        // Only what a record needs of its layer descriptor is kept (no annotations or URLs from elsewhere).
        _records = records.Where(static r => r.IsConsistent)
            .Select(static r => r with { Layer = r.Layer is { } l ? new Descriptor { MediaType = l.MediaType, Digest = l.Digest, Size = l.Size } : null })
            .DistinctBy(static r => r.Key)
            .ToDictionary(static r => r.Key);
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

    /// <summary>
    /// Makes the layer of <paramref name="record"/> (if it has one) available in <paramref name="layout"/>: copied
    /// from the cache's source, its digest verified, and its content checked against the record's DiffID, since a
    /// record from elsewhere is not trusted. False, and nothing used, when the layer is missing, damaged or not
    /// what the record says.
    /// </summary>
    public async Task<bool> TryCopyLayerAsync(CacheRecord record, OciLayout layout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(layout);
        if (record is not { Layer: { } layer, DiffId: { } diffId })
        {
            return record.IsConsistent;
        }

        try
        {
            if (!layout.HasBlob(layer.Digest))
            {
                var stream = await _content.OpenBlobAsync(layer, 0, cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    await layout.WriteBlobAsync(stream, layer.MediaType, layer.Digest, layer.Size, cancellationToken).ConfigureAwait(false);
                }
            }

            var blob = layout.OpenBlob(layer);
            await using (blob.ConfigureAwait(false))
            {
                var content = await Execution.Decompressor.OpenAsync(blob, cancellationToken).ConfigureAwait(false);
                await using (content.ConfigureAwait(false))
                {
                    return await Digest.ComputeAsync(content, cancellationToken: cancellationToken).ConfigureAwait(false) == diffId;
                }
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Missing from the registry, cut off, damaged: the step runs instead, as with no cache at all.
            return false;
        }
    }
}
