using Hyper.Build.Execution;
using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Build.Tests.Execution;

/// <summary>Layers unpacked into a real store and mounted with the kernel's overlayfs (the tests run as root, as CI does).</summary>
public sealed class SnapshotStoreTests : IDisposable
{
    private static readonly byte[] BaseLayer = TestImages.LayerTar(
        ("etc/", null), ("etc/os-release", "ID=base\n"), ("etc/motd", "hello\n"),
        ("var/", null), ("var/cache/", null), ("var/cache/a", "a"), ("var/cache/b", "b"));

    private static readonly byte[] UpperLayer = TestImages.LayerTar(
        ("etc/", null), ("etc/os-release", "ID=upper\n"), ("etc/.wh.motd", string.Empty),
        ("var/", null), ("var/cache/", null), ("var/cache/.wh..wh..opq", string.Empty), ("var/cache/c", "c"),
        ("app/", null), ("app/run.sh", "#!/bin/sh\n"));

    private readonly TempDirectory _temp = new();
    private readonly List<ISnapshot> _snapshots = [];

    public void Dispose()
    {
        // A failed assertion must not leave a mount behind that keeps the temporary directory busy.
        foreach (var snapshot in _snapshots)
        {
            snapshot.Unmount();
        }

        _temp.Dispose();
    }

    [Fact]
    public async Task A_layer_is_unpacked_once_into_its_diff_id_directory_in_overlay_format()
    {
        var store = new SnapshotStore(_temp.Combine("store"));
        var diffId = Digest.Compute(UpperLayer);

        await store.EnsureLayerAsync(diffId, () => Gzip(UpperLayer), CancellationToken.None);
        await store.EnsureLayerAsync(diffId, () => throw new InvalidOperationException("unpacked twice"), CancellationToken.None);

        var layer = store.GetLayerDirectory(diffId);
        Assert.True(store.HasLayer(diffId));
        Assert.Equal(_temp.Combine("store", "layers", "sha256-" + diffId.Encoded), layer);
        Assert.Equal("ID=upper\n", await File.ReadAllTextAsync(Path.Combine(layer, "etc/os-release")));
        Assert.Equal("character special file 0:0", await StatAsync(Path.Combine(layer, "etc/motd")));
        Assert.False(File.Exists(Path.Combine(layer, "etc/.wh.motd")));
        Assert.False(File.Exists(Path.Combine(layer, "var/cache/.wh..wh..opq")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("store", "active")));
    }

    [Fact]
    public void The_store_is_reachable_by_its_owner_only_also_when_it_was_made_open_before()
    {
        var fresh = new SnapshotStore(_temp.Combine("fresh"));
        var open = Directory.CreateDirectory(_temp.Combine("open"), (UnixFileMode)0x1ed).FullName;
        File.SetUnixFileMode(open, (UnixFileMode)0x1ed);

        var reopened = new SnapshotStore(open);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(fresh.Directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(reopened.Directory));
    }

    [Fact]
    public async Task A_layer_that_does_not_unpack_to_its_diff_id_is_refused_and_leaves_nothing_behind()
    {
        var store = new SnapshotStore(_temp.Combine("store"));
        var claimed = Digest.Compute(BaseLayer);

        var error = await Assert.ThrowsAsync<DigestMismatchException>(
            () => store.EnsureLayerAsync(claimed, () => new MemoryStream(UpperLayer), CancellationToken.None));

        Assert.Contains(Digest.Compute(UpperLayer).ToString(), error.Message, StringComparison.Ordinal);
        Assert.False(store.HasLayer(claimed));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("store", "layers")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("store", "active")));
    }

    [Fact]
    public async Task Layers_of_an_image_are_unpacked_from_its_layout_in_order()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest", compression: LayerCompression.Zstd);
        var store = new SnapshotStore(_temp.Combine("store"));

        await store.EnsureLayersAsync(layout, image.Layers, image.DiffIds, CancellationToken.None);

        Assert.All(image.DiffIds, d => Assert.True(store.HasLayer(d)));
        Assert.Equal("app\n", await File.ReadAllTextAsync(Path.Combine(store.GetLayerDirectory(image.DiffIds[1]), "app/name.txt")));
    }

    [Fact]
    public async Task Layers_and_diff_ids_of_different_counts_are_refused()
    {
        var layout = await OciLayout.CreateAsync(_temp.Combine("layout"));
        var image = await TestImages.WriteAsync(layout, "latest");
        var store = new SnapshotStore(_temp.Combine("store"));

        await Assert.ThrowsAsync<InvalidOciDocumentException>(
            () => store.EnsureLayersAsync(layout, image.Layers, [image.DiffIds[0]], CancellationToken.None));
    }

    [Fact]
    public async Task Mounting_a_chain_shows_every_layer_with_upper_layers_winning_and_whiteouts_hiding()
    {
        var store = new SnapshotStore(_temp.Combine("store"));
        var chain = await UnpackAsync(store, BaseLayer, UpperLayer);

        var snapshot = Track(store.Mount(chain));

        var root = snapshot.Merged;
        Assert.Equal("ID=upper\n", await File.ReadAllTextAsync(Path.Combine(root, "etc/os-release")));
        Assert.False(File.Exists(Path.Combine(root, "etc/motd")));
        Assert.Equal(["c"], Directory.EnumerateFileSystemEntries(Path.Combine(root, "var/cache")).Select(Path.GetFileName));
        Assert.Equal("#!/bin/sh\n", await File.ReadAllTextAsync(Path.Combine(root, "app/run.sh")));
        Assert.Contains(root, await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mounting_the_lower_layer_alone_shows_it_unchanged()
    {
        var store = new SnapshotStore(_temp.Combine("store"));
        var chain = await UnpackAsync(store, BaseLayer, UpperLayer);

        var snapshot = Track(store.Mount([chain[0]]));

        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(snapshot.Merged, "etc/motd")));
        Assert.Equal(["a", "b"], Directory.EnumerateFileSystemEntries(Path.Combine(snapshot.Merged, "var/cache")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(snapshot.Merged, "app")));
    }

    [Fact]
    public void Mounting_an_empty_chain_gives_an_empty_root()
    {
        var store = new SnapshotStore(_temp.Combine("store"));

        var snapshot = Track(store.Mount([]));

        Assert.Empty(Directory.EnumerateFileSystemEntries(snapshot.Merged));
    }

    [Fact]
    public void Mounting_a_layer_that_was_never_unpacked_is_refused()
    {
        var store = new SnapshotStore(_temp.Combine("store"));
        var missing = Digest.Compute(BaseLayer);

        var error = Assert.Throws<InvalidOperationException>(() => store.Mount([missing]));

        Assert.Contains(missing.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("store", "active")));
    }

    [Fact]
    public async Task Committing_keeps_the_upper_directory_as_the_layer_and_the_next_mount_sees_it()
    {
        var store = new SnapshotStore(_temp.Combine("store"));
        var chain = await UnpackAsync(store, BaseLayer);
        var snapshot = Track(store.Mount(chain));
        await File.WriteAllTextAsync(Path.Combine(snapshot.Merged, "etc/added"), "new\n");
        File.Delete(Path.Combine(snapshot.Merged, "etc/motd"));
        var upperFiles = Directory.EnumerateFileSystemEntries(Path.Combine(snapshot.Upper, "etc")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        // The store does not check a committed layer: its blob was written (and hashed) from the upper directory.
        var diffId = Digest.Compute("the step's layer"u8);

        store.Commit(snapshot, diffId);

        var layer = store.GetLayerDirectory(diffId);
        Assert.Equal(upperFiles, Directory.EnumerateFileSystemEntries(Path.Combine(layer, "etc")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("new\n", await File.ReadAllTextAsync(Path.Combine(layer, "etc/added")));
        Assert.Equal("character special file 0:0", await StatAsync(Path.Combine(layer, "etc/motd")));
        Assert.False(Directory.Exists(snapshot.Directory));
        Assert.DoesNotContain(snapshot.Merged, await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);

        var next = Track(store.Mount([chain[0], diffId]));
        Assert.Equal("new\n", await File.ReadAllTextAsync(Path.Combine(next.Merged, "etc/added")));
        Assert.False(File.Exists(Path.Combine(next.Merged, "etc/motd")));
        Assert.Equal("ID=base\n", await File.ReadAllTextAsync(Path.Combine(next.Merged, "etc/os-release")));
    }

    [Fact]
    public async Task Committing_a_layer_that_is_already_there_keeps_the_first_and_discards_the_snapshot()
    {
        var store = new SnapshotStore(_temp.Combine("store"));
        var chain = await UnpackAsync(store, BaseLayer);
        var snapshot = Track(store.Mount([]));
        await File.WriteAllTextAsync(Path.Combine(snapshot.Merged, "other"), "x");

        store.Commit(snapshot, chain[0]);

        Assert.False(File.Exists(Path.Combine(store.GetLayerDirectory(chain[0]), "other")));
        Assert.True(File.Exists(Path.Combine(store.GetLayerDirectory(chain[0]), "etc/os-release")));
        Assert.False(Directory.Exists(snapshot.Directory));
    }

    [Fact]
    public async Task Processes_unpacking_the_same_layer_at_once_all_succeed_and_one_copy_is_kept()
    {
        // One store each, as hyperbuild processes sharing a root have: nothing in memory tells them of each other.
        var stores = Enumerable.Range(0, 4).Select(_ => new SnapshotStore(_temp.Combine("store"))).ToList();
        var diffId = Digest.Compute(UpperLayer);

        // Every unpacker opens the blob (so has found the layer missing) before any of them moves its copy into place.
        using var allMissing = new Barrier(stores.Count);
        var unpacking = stores.Select(store => Task.Run(() => store.EnsureLayerAsync(diffId, () =>
        {
            allMissing.SignalAndWait();
            return Gzip(UpperLayer);
        }, CancellationToken.None)));
        await Task.WhenAll(unpacking);

        Assert.Equal("ID=upper\n", await File.ReadAllTextAsync(Path.Combine(stores[0].GetLayerDirectory(diffId), "etc/os-release")));
        Assert.Single(Directory.EnumerateDirectories(_temp.Combine("store", "layers")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("store", "active")));
    }

    [Fact]
    public async Task Stages_asking_one_store_for_the_same_layer_at_once_unpack_it_once_and_all_get_it()
    {
        var store = new SnapshotStore(_temp.Combine("store"));
        var diffId = Digest.Compute(UpperLayer);
        var opened = 0;
        using var firstOpened = new ManualResetEventSlim();
        using var mayUnpack = new ManualResetEventSlim();
        Stream Open()
        {
            Interlocked.Increment(ref opened);
            firstOpened.Set();
            mayUnpack.Wait();
            return Gzip(UpperLayer);
        }

        var first = Task.Run(() => store.EnsureLayerAsync(diffId, Open, CancellationToken.None));
        firstOpened.Wait();
        var second = store.EnsureLayerAsync(diffId, Open, CancellationToken.None);
        var third = store.EnsureLayerAsync(diffId, Open, CancellationToken.None);
        mayUnpack.Set();
        await Task.WhenAll(first, second, third);

        Assert.Equal(1, opened);
        Assert.Equal("ID=upper\n", await File.ReadAllTextAsync(Path.Combine(store.GetLayerDirectory(diffId), "etc/os-release")));
    }

    [Fact]
    public async Task A_stage_waiting_for_an_unpack_that_fails_tries_itself_and_gets_its_own_answer()
    {
        var store = new SnapshotStore(_temp.Combine("store"));
        var diffId = Digest.Compute(UpperLayer);
        using var firstOpened = new ManualResetEventSlim();
        using var mayFail = new ManualResetEventSlim();

        var failing = Task.Run(() => store.EnsureLayerAsync(diffId, () =>
        {
            firstOpened.Set();
            mayFail.Wait();
            throw new IOException("the blob is gone");
        }, CancellationToken.None));
        firstOpened.Wait();
        var waiting = store.EnsureLayerAsync(diffId, () => Gzip(UpperLayer), CancellationToken.None);
        mayFail.Set();

        await Assert.ThrowsAsync<IOException>(() => failing);
        await waiting;
        Assert.True(store.HasLayer(diffId));
    }

    [Fact]
    public async Task Stages_committing_the_same_layer_at_once_all_succeed_and_one_copy_is_kept()
    {
        var store = new SnapshotStore(_temp.Combine("store"));
        var chain = await UnpackAsync(store, BaseLayer);
        var snapshots = Enumerable.Range(0, 4).Select(_ => Track(store.Mount(chain))).ToList();
        foreach (var snapshot in snapshots)
        {
            await File.WriteAllTextAsync(Path.Combine(snapshot.Merged, "etc/added"), "same\n");
        }

        var diffId = Digest.Compute("the same step in two stages"u8);
        using var ready = new Barrier(snapshots.Count);
        await Task.WhenAll(snapshots.Select(snapshot => Task.Run(() =>
        {
            ready.SignalAndWait();
            store.Commit(snapshot, diffId);
        })));

        Assert.Equal("same\n", await File.ReadAllTextAsync(Path.Combine(store.GetLayerDirectory(diffId), "etc/added")));
        Assert.All(snapshots, snapshot => Assert.False(Directory.Exists(snapshot.Directory)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("store", "active")));
    }

    [Fact]
    public async Task Discarding_unmounts_and_removes_everything_the_snapshot_had()
    {
        var store = new SnapshotStore(_temp.Combine("store"));
        var chain = await UnpackAsync(store, BaseLayer);
        var snapshot = Track(store.Mount(chain));
        await File.WriteAllTextAsync(Path.Combine(snapshot.Merged, "scratch"), "x");
        File.Delete(Path.Combine(snapshot.Merged, "etc/motd"));

        SnapshotStore.Discard(snapshot);

        Assert.DoesNotContain(snapshot.Merged, await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
        Assert.False(Directory.Exists(snapshot.Directory));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_temp.Combine("store", "active")));
        // The layers below are untouched.
        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(store.GetLayerDirectory(chain[0]), "etc/motd")));
    }

    [Fact]
    public async Task Discarding_twice_is_harmless()
    {
        var store = new SnapshotStore(_temp.Combine("store"));
        var chain = await UnpackAsync(store, BaseLayer);
        var snapshot = Track(store.Mount(chain));

        SnapshotStore.Discard(snapshot);
        SnapshotStore.Discard(snapshot);

        Assert.False(Directory.Exists(snapshot.Directory));
    }

    private ISnapshot Track(ISnapshot snapshot)
    {
        _snapshots.Add(snapshot);
        return snapshot;
    }

    private static async Task<List<Digest>> UnpackAsync(SnapshotStore store, params byte[][] tars)
    {
        var chain = new List<Digest>();
        foreach (var tar in tars)
        {
            var diffId = Digest.Compute(tar);
            await store.EnsureLayerAsync(diffId, () => Gzip(tar), CancellationToken.None);
            chain.Add(diffId);
        }

        return chain;
    }

    private static MemoryStream Gzip(byte[] tar) => new(TestImages.Compress(tar, LayerCompression.Gzip));

    private static async Task<string> StatAsync(string path) =>
        (await ExternalProcess.RunCheckedAsync("stat", "-c", "%F %t:%T", path)).StandardOutput.Trim();
}
