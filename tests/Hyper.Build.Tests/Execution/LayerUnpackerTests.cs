using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

using Hyper.Build.Execution;
using Hyper.Oci;

namespace Hyper.Build.Tests.Execution;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LayerUnpackerTests : IDisposable
{
    private static readonly DateTimeOffset Then = new(2021, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private readonly string _scratch = Directory.CreateTempSubdirectory("hyper-unpack-").FullName;
    private readonly string _root;
    private readonly string _outside;

    public LayerUnpackerTests()
    {
        _root = Path.Combine(_scratch, "root");
        _outside = Path.Combine(_scratch, "outside");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_outside);
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static PaxTarEntry FileEntry(string name, string content, UnixFileMode mode = (UnixFileMode)0x1a4, int uid = 0, int gid = 0)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
            Mode = mode,
            Uid = uid,
            Gid = gid,
            ModificationTime = Then,
        };
        return entry;
    }

    private static PaxTarEntry Entry(TarEntryType type, string name, string link = "")
    {
        var entry = new PaxTarEntry(type, name) { ModificationTime = Then, Mode = (UnixFileMode)0x1ed };
        if (link.Length > 0)
        {
            entry.LinkName = link;
        }

        return entry;
    }

    private static byte[] Tar(params TarEntry[] entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    private async Task<Digest> Apply(byte[] layer) =>
        await LayerUnpacker.ApplyAsync(new MemoryStream(layer), _root, CancellationToken.None);

    private string At(string name) => Path.Combine(_root, name);

    private static async Task<string> Stat(string format, string path) =>
        (await ExternalProcess.RunCheckedAsync("stat", "-c", format, path)).StandardOutput.Trim();

    [Fact]
    public async Task Two_layers_in_sequence_leave_files_links_devices_modes_owners_and_times_on_disk()
    {
        var device = new PaxTarEntry(TarEntryType.CharacterDevice, "dev/null") { DeviceMajor = 1, DeviceMinor = 3, Mode = (UnixFileMode)0x1b6, ModificationTime = Then };
        var withXattr = new PaxTarEntry(
            TarEntryType.RegularFile,
            "etc/tagged",
            new Dictionary<string, string> { ["SCHILY.xattr.user.origin"] = "layer-one" })
        {
            DataStream = new MemoryStream("x"u8.ToArray()),
            Mode = (UnixFileMode)0x1a4,
            ModificationTime = Then,
        };
        await Apply(Tar(
            Entry(TarEntryType.Directory, "etc/"),
            FileEntry("etc/hostname", "one\n"),
            FileEntry("bin/su", "setuid", (UnixFileMode)0x9ed, uid: 1000, gid: 2000),
            Entry(TarEntryType.Directory, "tmp/"),
            Entry(TarEntryType.SymbolicLink, "etc/absolute", "/etc/hostname"),
            Entry(TarEntryType.HardLink, "bin/su-again", "bin/su"),
            Entry(TarEntryType.Fifo, "run/pipe"),
            device,
            withXattr));
        var tmp = Entry(TarEntryType.Directory, "tmp/");
        tmp.Mode = (UnixFileMode)0x3ff;
        await Apply(Tar(
            Entry(TarEntryType.Directory, "etc/"),
            FileEntry("etc/hostname", "two\n"),
            FileEntry("etc/added", "added"),
            tmp));

        Assert.Equal("two\n", File.ReadAllText(At("etc/hostname")));
        Assert.Equal("added", File.ReadAllText(At("etc/added")));
        Assert.Equal("setuid", File.ReadAllText(At("bin/su")));
        Assert.Equal((UnixFileMode)0x9ed, File.GetUnixFileMode(At("bin/su")));
        Assert.Equal("1000:2000", await Stat("%u:%g", At("bin/su")));
        Assert.Equal(await Stat("%i", At("bin/su")), await Stat("%i", At("bin/su-again")));
        Assert.Equal((UnixFileMode)0x3ff, File.GetUnixFileMode(At("tmp")));
        Assert.Equal("/etc/hostname", new FileInfo(At("etc/absolute")).LinkTarget);
        Assert.Equal("fifo", await Stat("%F", At("run/pipe")));
        Assert.Equal("character special file 1,3", await Stat("%F %Hr,%Lr", At("dev/null")));
        Assert.Equal(Then.UtcDateTime, File.GetLastWriteTimeUtc(At("bin/su")));
        // etc/ comes before the files this layer adds to it: its time is set after them.
        Assert.Equal(Then.UtcDateTime, Directory.GetLastWriteTimeUtc(At("etc")));
        Assert.Equal(Then.UtcDateTime, Directory.GetLastWriteTimeUtc(At("tmp")));
        // getfattr is not installed everywhere; Python's os.getxattr reads the attribute of the file itself.
        var xattr = await ExternalProcess.RunCheckedAsync(
            "python3", "-c", "import os, sys; sys.stdout.write(os.getxattr(sys.argv[1], 'user.origin', follow_symlinks=False).decode())", At("etc/tagged"));
        Assert.Equal("layer-one", xattr.StandardOutput);
    }

    [Fact]
    public async Task A_whiteout_deletes_a_lower_file_or_a_whole_tree_and_is_not_created()
    {
        await Apply(Tar(FileEntry("a/keep", "k"), FileEntry("a/gone", "g"), FileEntry("tree/sub/deep", "d")));
        await Apply(Tar(Entry(TarEntryType.RegularFile, "a/.wh.gone"), Entry(TarEntryType.RegularFile, ".wh.tree")));

        Assert.True(File.Exists(At("a/keep")));
        Assert.False(File.Exists(At("a/gone")));
        Assert.False(Directory.Exists(At("tree")));
        Assert.False(File.Exists(At("a/.wh.gone")));
        Assert.False(File.Exists(At(".wh.tree")));
    }

    [Fact]
    public async Task An_opaque_directory_keeps_only_what_its_own_layer_adds_wherever_the_marker_comes()
    {
        await Apply(Tar(FileEntry("d/old", "o"), FileEntry("d/sub/old", "o"), FileEntry("other/stays", "s")));
        await Apply(Tar(
            Entry(TarEntryType.Directory, "d/"),
            FileEntry("d/new", "n"),
            FileEntry("d/sub/new", "n"),
            Entry(TarEntryType.RegularFile, "d/.wh..wh..opq")));

        Assert.Equal(["new", "sub"], Directory.GetFileSystemEntries(At("d")).Select(Path.GetFileName).Order());
        Assert.Equal(["new"], Directory.GetFileSystemEntries(At("d/sub")).Select(Path.GetFileName));
        Assert.True(File.Exists(At("other/stays")));
        Assert.False(File.Exists(At("d/.wh..wh..opq")));
    }

    [Fact]
    public async Task The_diff_id_is_the_sha256_of_the_uncompressed_tar_for_plain_gzip_and_zstd_layers()
    {
        var tar = Tar(FileEntry("hello", "world"));
        var expected = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(tar));

        using var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
        {
            compressor.Write(tar);
        }

        using var zstd = new ZstdSharp.Compressor();
        var zstdBytes = zstd.Wrap(tar).ToArray();

        Assert.Equal(expected, (await Apply(tar)).ToString());
        Assert.Equal(expected, (await Apply(gzip.ToArray())).ToString());
        Directory.Delete(_root, recursive: true);
        Assert.Equal(expected, (await Apply(zstdBytes)).ToString());
        Assert.Equal("world", File.ReadAllText(At("hello")));
    }

    [Fact]
    public async Task A_name_climbing_out_with_dotdot_is_refused()
    {
        var error = await Assert.ThrowsAsync<UnsafeLayerEntryException>(() => Apply(Tar(FileEntry("../outside/escape", "x"))));

        Assert.Equal("../outside/escape", error.EntryName);
        Assert.Empty(Directory.GetFileSystemEntries(_outside));
    }

    [Fact]
    public async Task Writing_through_a_symlink_to_an_absolute_directory_is_refused()
    {
        var error = await Assert.ThrowsAsync<UnsafeLayerEntryException>(() => Apply(Tar(
            Entry(TarEntryType.SymbolicLink, "evil", _outside),
            FileEntry("evil/passwd", "pwned"))));

        Assert.Contains("evil/passwd", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_outside));
    }

    [Fact]
    public async Task Writing_through_a_relative_symlink_that_climbs_out_is_refused()
    {
        await Assert.ThrowsAsync<UnsafeLayerEntryException>(() => Apply(Tar(
            Entry(TarEntryType.SymbolicLink, "evil", "../outside"),
            FileEntry("evil/passwd", "pwned"))));

        Assert.Empty(Directory.GetFileSystemEntries(_outside));
    }

    [Fact]
    public async Task A_relative_symlink_inside_the_root_is_followed_as_a_parent()
    {
        await Apply(Tar(Entry(TarEntryType.Directory, "usr/lib/"), Entry(TarEntryType.SymbolicLink, "lib", "usr/lib"), FileEntry("lib/libc.so", "c")));

        Assert.Equal("c", File.ReadAllText(At("usr/lib/libc.so")));
        Assert.Equal("usr/lib", new FileInfo(At("lib")).LinkTarget);
    }

    [Fact]
    public async Task A_hardlink_to_a_host_file_is_refused()
    {
        var secret = Path.Combine(_outside, "secret");
        File.WriteAllText(secret, "s");

        var error = await Assert.ThrowsAsync<UnsafeLayerEntryException>(() => Apply(Tar(Entry(TarEntryType.HardLink, "passwd", secret))));

        Assert.Equal("passwd", error.EntryName);
        Assert.Equal("1", await Stat("%h", secret));
        Assert.False(File.Exists(At("passwd")));
    }

    [Fact]
    public async Task A_file_over_an_absolute_symlink_replaces_the_link_instead_of_writing_through_it()
    {
        var target = Path.Combine(_outside, "target");
        File.WriteAllText(target, "host");

        await Apply(Tar(Entry(TarEntryType.SymbolicLink, "link", target), FileEntry("link", "layer")));

        Assert.Equal("host", File.ReadAllText(target));
        Assert.Null(new FileInfo(At("link")).LinkTarget);
        Assert.Equal("layer", File.ReadAllText(At("link")));
    }

    [Fact]
    public async Task An_absolute_entry_name_lands_inside_the_root()
    {
        await Apply(Tar(FileEntry("/abs/file", "a")));

        Assert.Equal("a", File.ReadAllText(At("abs/file")));
    }

    [Fact]
    public async Task A_symlink_to_host_etc_followed_by_a_file_under_it_is_refused()
    {
        // A probe name rather than passwd: were the refusal ever broken, the test must not damage the host.
        var probe = $"hyper-unpack-probe-{Guid.NewGuid():N}";

        var error = await Assert.ThrowsAsync<UnsafeLayerEntryException>(() => Apply(Tar(
            Entry(TarEntryType.SymbolicLink, "evil", "/etc"),
            FileEntry($"evil/{probe}", "pwned"))));

        Assert.Equal($"evil/{probe}", error.EntryName);
        Assert.False(File.Exists(Path.Combine("/etc", probe)));
        Assert.Equal("/etc", new FileInfo(At("evil")).LinkTarget);
    }

    [Fact]
    public async Task A_hardlink_to_host_etc_passwd_is_refused()
    {
        var before = await Stat("%h", "/etc/passwd");

        await Assert.ThrowsAsync<UnsafeLayerEntryException>(() => Apply(Tar(Entry(TarEntryType.HardLink, "passwd", "/etc/passwd"))));

        Assert.Equal(before, await Stat("%h", "/etc/passwd"));
        Assert.False(File.Exists(At("passwd")));
    }

    [Fact]
    public async Task A_directory_over_a_symlink_to_a_host_directory_replaces_the_link()
    {
        await Apply(Tar(Entry(TarEntryType.SymbolicLink, "data", _outside)));
        await Apply(Tar(Entry(TarEntryType.Directory, "data/"), FileEntry("data/file", "f")));

        Assert.Null(new FileInfo(At("data")).LinkTarget);
        Assert.Equal("f", File.ReadAllText(At("data/file")));
        Assert.Empty(Directory.GetFileSystemEntries(_outside));
    }

    [Fact]
    public async Task A_whiteout_does_not_hide_what_its_own_layer_adds()
    {
        await Apply(Tar(FileEntry("f", "new"), Entry(TarEntryType.RegularFile, ".wh.f")));

        Assert.Equal("new", File.ReadAllText(At("f")));
    }

    [Fact]
    public async Task An_xattr_value_that_arrived_damaged_is_left_unset_rather_than_written_wrong()
    {
        var entry = new PaxTarEntry(
            TarEntryType.RegularFile,
            "binary",
            new Dictionary<string, string> { ["SCHILY.xattr.user.bin"] = "a\uFFFDb", ["SCHILY.xattr.user.text"] = "ok" })
        {
            DataStream = new MemoryStream(),
            Mode = (UnixFileMode)0x1a4,
        };

        await Apply(Tar(entry));

        var listed = await ExternalProcess.RunCheckedAsync(
            "python3", "-c", "import os, sys; sys.stdout.write(','.join(sorted(os.listxattr(sys.argv[1]))))", At("binary"));
        Assert.Equal("user.text", listed.StandardOutput);
    }

    [Fact]
    public async Task An_opaque_marker_before_its_siblings_clears_the_lower_directory_too()
    {
        await Apply(Tar(FileEntry("d/old", "o")));
        await Apply(Tar(Entry(TarEntryType.RegularFile, "d/.wh..wh..opq"), FileEntry("d/new", "n")));

        Assert.Equal(["new"], Directory.GetFileSystemEntries(At("d")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_block_device_keeps_its_numbers_and_owner()
    {
        var entry = new PaxTarEntry(TarEntryType.BlockDevice, "dev/loop9")
        {
            DeviceMajor = 7,
            DeviceMinor = 9,
            Mode = (UnixFileMode)0x1b0,
            Uid = 0,
            Gid = 6,
        };

        await Apply(Tar(entry));

        Assert.Equal("block special file 7,9 0:6 660", await Stat("%F %Hr,%Lr %u:%g %a", At("dev/loop9")));
    }

    [Fact]
    public async Task Without_devices_block_and_character_devices_and_links_to_them_are_listed_not_created()
    {
        await Apply(Tar(FileEntry("dev/sda", "a lower layer's file")));
        var disk = new PaxTarEntry(TarEntryType.BlockDevice, "dev/sda") { DeviceMajor = 8, DeviceMinor = 0, Mode = (UnixFileMode)0x1b6 };
        var memory = new PaxTarEntry(TarEntryType.CharacterDevice, "/dev/null") { DeviceMajor = 1, DeviceMinor = 3, Mode = (UnixFileMode)0x1b6 };
        var layer = Tar(disk, memory, Entry(TarEntryType.HardLink, "dev/disk", "dev/sda"), Entry(TarEntryType.Fifo, "run/pipe"), FileEntry("etc/kept", "kept"));
        var skipped = new List<string>();

        var diffId = await LayerUnpacker.ApplyWithoutDevicesAsync(new MemoryStream(layer), _root, skipped, CancellationToken.None);

        Assert.Equal(["dev/sda", "dev/null", "dev/disk"], skipped);
        Assert.False(Path.Exists(At("dev/sda")));
        Assert.False(Path.Exists(At("dev/null")));
        Assert.False(Path.Exists(At("dev/disk")));
        Assert.Equal("fifo", await Stat("%F", At("run/pipe")));
        Assert.Equal("kept", File.ReadAllText(At("etc/kept")));
        Assert.Equal(Digest.Compute(layer), diffId);
    }

    [Fact]
    public async Task Cancellation_stops_the_unpacking()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            LayerUnpacker.ApplyAsync(new MemoryStream(Tar(FileEntry("f", "x"))), _root, cancelled.Token));
    }
}
