using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;

using Hyper.Build.Execution;
using Hyper.Build.Layers;
using Hyper.Build.Tests.Context;
using Hyper.Oci;

namespace Hyper.Build.Tests.Execution;

/// <summary>
/// What every snapshotter must do, run once per snapshotter by a derived class (as CNCF Distribution tests
/// its storage drivers): the merged view of a chain, and an upper directory from which the layer writer
/// makes a layer that turns the lowers into exactly what the step left.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public abstract class SnapshotContractTests : IDisposable
{
    private static readonly DateTimeOffset Time = new(2021, 2, 3, 4, 5, 6, TimeSpan.Zero);
    private readonly TempDirectory _work = new();
    private readonly SnapshotStore _store;
    private readonly Dictionary<Digest, byte[]> _tars = [];

    protected SnapshotContractTests(Snapshotter snapshotter)
    {
        _store = new SnapshotStore(_work.Combine("store"), snapshotter);
    }

    public void Dispose()
    {
        _work.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Files_of_every_layer_are_visible_and_upper_layers_win()
    {
        var bottom = await LayerAsync(new Tarball().Directory("etc").File("etc/os", "bottom").File("etc/tool", "v1"));
        var middle = await LayerAsync(new Tarball().Directory("bin").File("bin/sh", "shell"));
        var top = await LayerAsync(new Tarball().File("etc/tool", "v2"));

        using var snapshot = _store.Mount([bottom, middle, top]);

        Assert.Equal("bottom", Read(snapshot, "etc/os"));
        Assert.Equal("v2", Read(snapshot, "etc/tool"));
        Assert.Equal("shell", Read(snapshot, "bin/sh"));
        SnapshotStore.Discard(snapshot);
    }

    [Fact]
    public async Task Whiteouts_hide_files_and_directories_of_lower_layers()
    {
        var bottom = await LayerAsync(new Tarball().File("keep", "k").File("gone", "g").Directory("dir").File("dir/inner", "i"));
        var top = await LayerAsync(new Tarball().File(".wh.gone", string.Empty).File(".wh.dir", string.Empty));

        using var snapshot = _store.Mount([bottom, top]);

        Assert.Equal(["keep"], Names(snapshot.Merged));
        SnapshotStore.Discard(snapshot);
    }

    [Fact]
    public async Task Opaque_directories_hide_what_lower_layers_have_in_them()
    {
        var bottom = await LayerAsync(new Tarball().Directory("dir").File("dir/old", "o").Directory("dir/sub").File("dir/sub/deep", "d"));
        var top = await LayerAsync(new Tarball().Directory("dir").File("dir/.wh..wh..opq", string.Empty).File("dir/new", "n"));
        var above = await LayerAsync(new Tarball().File("dir/newer", "nn"));

        using var snapshot = _store.Mount([bottom, top, above]);

        Assert.Equal(["new", "newer"], Names(Path.Combine(snapshot.Merged, "dir")));
        SnapshotStore.Discard(snapshot);
    }

    [Fact]
    public async Task Scratch_is_an_empty_root_and_a_step_that_changes_nothing_leaves_upper_empty()
    {
        using (var scratch = _store.Mount([]))
        {
            Assert.Empty(Names(scratch.Merged));
            scratch.Unmount();
            Assert.Empty(Names(scratch.Upper));
            SnapshotStore.Discard(scratch);
        }

        var layer = await LayerAsync(new Tarball().Directory("etc").File("etc/os", "x"));
        using var snapshot = _store.Mount([layer]);
        Assert.Equal("x", Read(snapshot, "etc/os"));
        snapshot.Unmount();
        Assert.Empty(Names(snapshot.Upper));
        SnapshotStore.Discard(snapshot);
    }

    [Fact]
    public async Task A_steps_changes_land_in_upper_as_overlayfs_puts_them()
    {
        var bottom = await LayerAsync(new Tarball()
            .Directory("etc").File("etc/keep", "k").File("etc/edit", "old").File("etc/gone", "g")
            .Directory("olddir").File("olddir/a", "a").Directory("untouched").File("untouched/x", "x"));

        using var snapshot = _store.Mount([bottom]);
        File.WriteAllText(Path.Combine(snapshot.Merged, "etc/new"), "new");
        File.WriteAllText(Path.Combine(snapshot.Merged, "etc/edit"), "edited");
        File.Delete(Path.Combine(snapshot.Merged, "etc/gone"));
        Directory.Delete(Path.Combine(snapshot.Merged, "olddir"), recursive: true);
        Directory.CreateDirectory(Path.Combine(snapshot.Merged, "newdir/sub"));
        File.WriteAllText(Path.Combine(snapshot.Merged, "newdir/sub/f"), "f");
        snapshot.Unmount();

        Assert.Equal(["etc", "newdir", "olddir"], Names(snapshot.Upper));
        Assert.Equal(["edit", "gone", "new"], Names(Path.Combine(snapshot.Upper, "etc")));
        Assert.Equal("edited", File.ReadAllText(Path.Combine(snapshot.Upper, "etc/edit")));
        Assert.Equal("new", File.ReadAllText(Path.Combine(snapshot.Upper, "etc/new")));
        Assert.True(LinuxFiles.Lstat(Path.Combine(snapshot.Upper, "etc/gone")).IsOverlayWhiteout);
        Assert.True(LinuxFiles.Lstat(Path.Combine(snapshot.Upper, "olddir")).IsOverlayWhiteout);
        Assert.Equal("f", File.ReadAllText(Path.Combine(snapshot.Upper, "newdir/sub/f")));
        SnapshotStore.Discard(snapshot);
    }

    [Fact]
    public async Task Owners_modes_links_devices_and_xattrs_of_the_layers_survive()
    {
        var layer = await LayerAsync(new Tarball()
            .Directory("bin")
            .Entry(new PaxTarEntry(TarEntryType.RegularFile, "bin/su", Xattr("user.note", "hello"))
            {
                DataStream = new MemoryStream("su"u8.ToArray()),
                Mode = (UnixFileMode)0b100_111_101_101,
                Uid = 0,
                Gid = 0,
                ModificationTime = Time,
            })
            .Entry(new PaxTarEntry(TarEntryType.RegularFile, "bin/app") { DataStream = new MemoryStream("app"u8.ToArray()), Uid = 1000, Gid = 100, Mode = (UnixFileMode)0b111_101_000, ModificationTime = Time })
            .HardLink("bin/app-link", "bin/app")
            .SymbolicLink("bin/sh", "busybox")
            .Entry(new PaxTarEntry(TarEntryType.CharacterDevice, "null") { DeviceMajor = 1, DeviceMinor = 3, Mode = (UnixFileMode)0b110_110_110 })
            .Fifo("pipe"));

        using var snapshot = _store.Mount([layer]);
        var su = LinuxFiles.Lstat(Path.Combine(snapshot.Merged, "bin/su"));
        Assert.Equal((UnixFileMode)0b100_111_101_101, su.Permissions);
        Assert.Equal(Time, su.ModificationTime);
        Assert.Equal("hello", Encoding.UTF8.GetString(LinuxFiles.ReadExtendedAttributes(Path.Combine(snapshot.Merged, "bin/su"))["user.note"]));
        var app = LinuxFiles.Lstat(Path.Combine(snapshot.Merged, "bin/app"));
        Assert.Equal((1000u, 100u, (UnixFileMode)0b111_101_000), (app.Uid, app.Gid, app.Permissions));
        Assert.Equal(app.Inode, LinuxFiles.Lstat(Path.Combine(snapshot.Merged, "bin/app-link")).Inode);
        Assert.Equal("busybox", new FileInfo(Path.Combine(snapshot.Merged, "bin/sh")).LinkTarget);
        var device = LinuxFiles.Lstat(Path.Combine(snapshot.Merged, "null"));
        Assert.True(device.IsCharacterDevice);
        Assert.Equal((1u, 3u), (device.RdevMajor, device.RdevMinor));
        Assert.True(LinuxFiles.Lstat(Path.Combine(snapshot.Merged, "pipe")).IsFifo);
        SnapshotStore.Discard(snapshot);
    }

    [Fact]
    public async Task The_layer_written_from_upper_turns_the_lowers_into_exactly_the_merged_view()
    {
        var bottom = await LayerAsync(new Tarball()
            .Directory("etc").File("etc/keep", "k").File("etc/edit", "old").File("etc/gone", "g").File("etc/chmod", "c").File("etc/chown", "o")
            .File("etc/same-size", "aaaa").File("etc/xattr", "x")
            .Directory("recreated").File("recreated/a", "a").File("recreated/b", "b")
            .Directory("to-file").File("to-file/inner", "i").File("to-dir", "f")
            .Directory("deep").Directory("deep/er").File("deep/er/file", "d")
            .SymbolicLink("link", "etc/keep").Directory("emptied").File("emptied/one", "1")
            .Entry(new PaxTarEntry(TarEntryType.RegularFile, "owned") { DataStream = new MemoryStream("o"u8.ToArray()), Uid = 1000, Gid = 1000, ModificationTime = Time }));
        var middle = await LayerAsync(new Tarball()
            .Directory("etc").File("etc/.wh.keep", string.Empty).File("etc/keep", "k2").File("etc/layer2", "2")
            .Directory("opaque").File("opaque/.wh..wh..opq", string.Empty).File("opaque/mine", "m"));
        var top = await LayerAsync(new Tarball().File("etc/top", "t").File(".wh.owned", string.Empty));

        using var snapshot = _store.Mount([bottom, middle, top]);
        string M(string path) => Path.Combine(snapshot.Merged, path);
        File.WriteAllText(M("etc/edit"), "new content");
        File.WriteAllText(M("etc/same-size"), "bbbb");
        File.SetLastWriteTimeUtc(M("etc/same-size"), new FileInfo(Path.Combine(_store.GetLayerDirectory(bottom), "etc/same-size")).LastWriteTimeUtc);
        File.Delete(M("etc/gone"));
        File.Delete(M("etc/layer2"));
        File.SetUnixFileMode(M("etc/chmod"), (UnixFileMode)0b111_000_000);
        LibC.Lchown(M("etc/chown"), 42, 43);
        Assert.Equal(0, LibC.TrySetXattr(M("etc/xattr"), "user.added", "v"u8.ToArray()));
        Directory.Delete(M("recreated"), recursive: true);
        Directory.CreateDirectory(M("recreated"));
        File.WriteAllText(M("recreated/a"), "a again");
        Directory.Delete(M("to-file"), recursive: true);
        File.WriteAllText(M("to-file"), "now a file");
        File.Delete(M("to-dir"));
        Directory.CreateDirectory(M("to-dir/sub"));
        File.WriteAllText(M("deep/er/file"), "deeper");
        File.Delete(M("link"));
        File.CreateSymbolicLink(M("link"), "etc/top");
        File.Delete(M("emptied/one"));
        File.WriteAllText(M("opaque/added"), "+");
        File.WriteAllText(M("hard"), "h");
        LibC.Link(M("hard"), M("etc/hard-too"));
        LibC.Mknod(M("zero"), LibC.S_IFCHR | 0x1b6, LibC.MakeDevice(1, 5));
        File.CreateSymbolicLink(M("dangling"), "/nowhere");
        var expected = FileTreeListing.Describe(snapshot.Merged);
        snapshot.Unmount();

        var layer = _work.Combine("layer.tar");
        await using (var output = File.Create(layer))
        {
            await LayerWriter.WriteAsync(snapshot.Upper, output, LayerCompression.None, clampTimestamps: null, CancellationToken.None);
        }

        var composite = _work.Combine("composite");
        foreach (var diffId in new[] { bottom, middle, top })
        {
            await LayerUnpacker.ApplyAsync(new MemoryStream(_tars[diffId]), composite, CancellationToken.None);
        }

        await using (var input = File.OpenRead(layer))
        {
            await LayerUnpacker.ApplyAsync(input, composite, CancellationToken.None);
        }

        Assert.Equal(expected, FileTreeListing.Describe(composite));
        Assert.False(File.Exists(Path.Combine(snapshot.Upper, "etc/keep")));
        SnapshotStore.Discard(snapshot);
    }

    private async Task<Digest> LayerAsync(Tarball tarball)
    {
        var tar = tarball.Plain().ToArray();
        var diffId = Digest.Parse($"sha256:{Convert.ToHexStringLower(SHA256.HashData(tar))}");
        _tars[diffId] = tar;
        await _store.EnsureLayerAsync(diffId, () => new MemoryStream(tar), CancellationToken.None);
        return diffId;
    }

    private static Dictionary<string, string> Xattr(string name, string value) => new() { [$"SCHILY.xattr.{name}"] = value };

    private static string Read(ISnapshot snapshot, string path) => File.ReadAllText(Path.Combine(snapshot.Merged, path));

    private static List<string> Names(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
}
