using System.Text.Json;

using Hyper.Oci;

namespace Hyper.Build.Cache;

/// <summary>
/// The build cache on this machine: one small JSON file per step result, named after the step's cache key,
/// in <c>ROOT/buildcache/records</c>. The layers themselves are blobs in the image store; a record keeps
/// its blob from being garbage-collected when images are removed (see <see cref="ReferencedBlobs"/>).
/// A file's modification time is when the record was last used, which is what pruning goes by.
/// </summary>
public sealed class BuildCache
{
    private readonly string _records;

    /// <param name="directory">The cache's directory; created when missing.</param>
    public BuildCache(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
        _records = System.IO.Directory.CreateDirectory(Path.Combine(Directory, "records")).FullName;
    }

    public string Directory { get; }

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

    /// <summary>Stores <paramref name="record"/>, replacing any record of the same key; written whole or not at all.</summary>
    public void Add(CacheRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
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

    private string PathOf(Digest key) => Path.Combine(_records, $"{key.Algorithm}-{key.Encoded}.json");
}
