using Hyper.Build.Cache;
using Hyper.Build.Execution;
using Hyper.Build.Images;
using Hyper.Oci;

namespace Hyper.Build.Tests.Cache;

/// <summary>The records store and its pruning, against a real image store on disk.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BuildCacheTests : IDisposable
{
    private readonly TempDirectory _work = new();
    private readonly BuildCache _cache;

    public BuildCacheTests()
    {
        _cache = new BuildCache(_work.Combine("buildcache"));
    }

    public void Dispose() => _work.Dispose();

    [Fact]
    public void A_record_is_found_under_its_key_and_nothing_under_another()
    {
        var record = Record(1, layer: null);
        _cache.Add(record);

        Assert.Equal(record, _cache.Find(record.Key));
        Assert.Null(_cache.Find(KeyOf(2)));
    }

    [Fact]
    public void A_record_cut_short_by_a_crash_is_a_miss_not_an_error()
    {
        var key = KeyOf(1);
        File.WriteAllText(Path.Combine(_cache.Directory, "records", $"sha256-{key.Encoded}.json"), "{\"key\":");

        Assert.Null(_cache.Find(key));
        Assert.Empty(_cache.List());
    }

    [Fact]
    public async Task Prune_to_a_size_removes_the_least_recently_used_records_and_their_blobs()
    {
        var images = await ImageStore.OpenAsync(_work.Combine("images"));
        var snapshots = new SnapshotStore(_work.Combine("snapshots"));
        var old = Record(1, await BlobAsync(images, 1000));
        var recent = Record(2, await BlobAsync(images, 1000));
        _cache.Add(old);
        _cache.Add(recent);
        File.SetLastWriteTimeUtc(Path.Combine(_cache.Directory, "records", $"sha256-{old.Key.Encoded}.json"), DateTime.UtcNow.AddDays(-1));
        Assert.Equal(2000, _cache.Size());

        var result = await _cache.PruneAsync(images, snapshots, keepBytes: 1500);

        Assert.Equal(1, result.Records);
        Assert.Equal(1000, result.BlobBytes);
        Assert.Null(_cache.Find(old.Key));
        Assert.NotNull(_cache.Find(recent.Key));
        Assert.False(images.Layout.HasBlob(old.Layer!.Digest));
        Assert.True(images.Layout.HasBlob(recent.Layer!.Digest));
    }

    [Fact]
    public async Task Prune_without_a_size_removes_every_record()
    {
        var images = await ImageStore.OpenAsync(_work.Combine("images"));
        _cache.Add(Record(1, await BlobAsync(images, 10)));
        _cache.Add(Record(2, layer: null));

        var result = await _cache.PruneAsync(images, new SnapshotStore(_work.Combine("snapshots")), keepBytes: null);

        Assert.Equal(2, result.Records);
        Assert.Empty(_cache.List());
        Assert.Empty(images.Layout.ListBlobs());
    }

    [Fact]
    public async Task Referenced_blobs_are_the_layers_the_records_name()
    {
        var images = await ImageStore.OpenAsync(_work.Combine("images"));
        var layer = await BlobAsync(images, 10);
        _cache.Add(Record(1, layer));
        _cache.Add(Record(2, layer: null));

        Assert.Equal([layer.Digest], _cache.ReferencedBlobs());
    }

    private static async Task<Descriptor> BlobAsync(ImageStore images, int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        return await images.Layout.WriteBlobAsync(bytes, MediaTypes.OciLayerGzip);
    }

    private static CacheRecord Record(int n, Descriptor? layer) => new()
    {
        Key = KeyOf(n),
        Layer = layer,
        DiffId = layer is null ? null : Digest.Compute([(byte)n]),
        CreatedBy = $"RUN step {n}",
        Created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + n),
    };

    private static Digest KeyOf(int n) => Digest.Compute(BitConverter.GetBytes(n));
}
