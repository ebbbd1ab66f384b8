using System.Text.Json;

using Hyper.Build.Execution;
using Hyper.Build.Images;
using Hyper.Oci;

namespace Hyper.Build.Cache;

/// <summary>
/// The build cache on this machine: one small JSON file per step result, named after the step's cache key,
/// in <c>ROOT/buildcache/records</c>. The layers themselves are blobs in the image store; a record keeps
/// its blob from being garbage-collected when images are removed (see <see cref="ReferencedBlobs"/>).
/// A file's modification time is when the record was last used, which is what pruning goes by.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BuildCache
{
    private readonly string _records;
    private FileDigestCache? _fileDigests;
    private int _added;

    /// <param name="directory">The cache's directory; created when missing.</param>
    public BuildCache(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
        _records = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "records")).FullName;
    }

    public string Directory { get; }

    /// <summary>Digests of context files hashed before, so unchanged files are not read again.</summary>
    public FileDigestCache FileDigests =>
        LazyInitializer.EnsureInitialized(ref _fileDigests, () => new FileDigestCache(Path.Combine(Directory, "files.json")));

    /// <summary>The record of <paramref name="key"/>, marked as used now; null when there is none (or it cannot be read).</summary>
    public CacheRecord? Find(Digest key)
    {
        var path = PathOf(key);
        CacheRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(File.ReadAllBytes(path), CacheJsonContext.Default.CacheRecord);
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            // A record cut short by a crash is a miss, not a failed build; the step runs and writes it again.
            return null;
        }

        return record is not null && record.Key == key ? record : null;
    }

    /// <summary>True once this instance has stored a record: until then the cache cannot have grown.</summary>
    public bool HasAdded => Volatile.Read(ref _added) > 0;

    /// <summary>Stores <paramref name="record"/>, replacing any record of the same key; written whole or not at all.</summary>
    public void Add(CacheRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Interlocked.Increment(ref _added);
        var path = PathOf(record.Key);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(record, CacheJsonContext.Default.CacheRecord));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Deletes the record of <paramref name="key"/>; false when there was none.</summary>
    public bool Remove(Digest key)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    /// <summary>Every readable record with when it was last used, least recently used first.</summary>
    public IReadOnlyList<(CacheRecord Record, DateTime LastUsed)> List()
    {
        var list = new List<(CacheRecord, DateTime)>();
        foreach (var file in new DirectoryInfo(_records).EnumerateFiles("*.json"))
        {
            try
            {
                if (JsonSerializer.Deserialize(File.ReadAllBytes(file.FullName), CacheJsonContext.Default.CacheRecord) is { } record)
                {
                    list.Add((record, file.LastWriteTimeUtc));
                }
            }
            catch (Exception e) when (e is JsonException or FileNotFoundException)
            {
                // Half-written by a crash, or pruned by another process since it was listed.
            }
        }

        return [.. list.OrderBy(static r => r.Item2)];
    }

    /// <summary>The layer blobs the records name: roots for the image store's garbage collection.</summary>
    public IReadOnlySet<Digest> ReferencedBlobs() =>
        List().Select(static r => r.Record.Layer?.Digest).OfType<Digest>().ToHashSet();

    /// <summary>The bytes of the distinct layer blobs the records name: what <see cref="PruneAsync"/> measures against its limit.</summary>
    public long Size() => SizeOf(List().Select(static r => r.Record));

    /// <summary>
    /// Deletes records, least recently used first, until the layers the rest name take at most
    /// <paramref name="keepBytes"/> (all of them when null); then the blobs neither an image nor a remaining
    /// record needs, and the unpacked layers no image and no remaining record names. Run it only while no
    /// build uses this data root: a build's new layers are not referenced until it has finished.
    /// </summary>
    public async Task<CachePruneResult> PruneAsync(ImageStore images, SnapshotStore snapshots, long? keepBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(snapshots);
        var records = List().Select(static r => r.Record).ToList();
        var removed = 0;
        while (records.Count > 0 && (keepBytes is null || SizeOf(records) > keepBytes))
        {
            Remove(records[0].Key);
            records.RemoveAt(0);
            removed++;
        }

        var kept = records.Select(static r => r.Layer?.Digest).OfType<Digest>().ToHashSet();
        var freed = await images.Layout.DeleteUnreferencedBlobsAsync(kept, cancellationToken).ConfigureAwait(false);

        var used = records.Select(static r => r.DiffId).OfType<Digest>().ToHashSet();
        foreach (var image in await images.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            used.UnionWith(image.Config.RootFs.DiffIds);
        }

        var layers = 0;
        foreach (var diffId in snapshots.ListLayers().Where(d => !used.Contains(d)))
        {
            snapshots.RemoveLayer(diffId);
            layers++;
        }

        return new CachePruneResult(removed, freed, layers);
    }

    private static long SizeOf(IEnumerable<CacheRecord> records) =>
        records.Select(static r => r.Layer).OfType<Descriptor>().DistinctBy(static l => l.Digest).Sum(static l => l.Size);

    private string PathOf(Digest key) => Path.Combine(_records, $"{key.Algorithm}-{key.Encoded}.json");
}
