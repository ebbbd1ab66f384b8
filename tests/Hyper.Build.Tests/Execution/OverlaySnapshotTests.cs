using Hyper.Build.Execution;

namespace Hyper.Build.Tests.Execution;

/// <summary>Real kernel overlayfs mounts (the tests run as root, as CI does).</summary>
public sealed class OverlaySnapshotTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public void Merged_view_shows_the_top_layer_over_the_lower_ones()
    {
        var bottom = Layer("bottom", ("etc/os", "bottom"), ("bin/tool", "v1"));
        var top = Layer("top", ("bin/tool", "v2"));

        using var snapshot = OverlaySnapshot.Mount(_work.Combine("snap"), [top, bottom]);

        Assert.Equal("bottom", File.ReadAllText(Path.Combine(snapshot.Merged, "etc/os")));
        Assert.Equal("v2", File.ReadAllText(Path.Combine(snapshot.Merged, "bin/tool")));
    }

    [Fact]
    public async Task Changes_land_in_the_upper_directory_and_lower_layers_stay_untouched()
    {
        var lower = Layer("lower", ("keep", "k"), ("gone", "g"), ("edit", "old"));

        using (var snapshot = OverlaySnapshot.Mount(_work.Combine("snap"), [lower]))
        {
            File.WriteAllText(Path.Combine(snapshot.Merged, "new"), "n");
            File.WriteAllText(Path.Combine(snapshot.Merged, "edit"), "new");
            File.Delete(Path.Combine(snapshot.Merged, "gone"));
            snapshot.Unmount();

            Assert.Equal("n", File.ReadAllText(Path.Combine(snapshot.Upper, "new")));
            Assert.Equal("new", File.ReadAllText(Path.Combine(snapshot.Upper, "edit")));
            Assert.False(File.Exists(Path.Combine(snapshot.Upper, "keep")));
            var whiteout = await ExternalProcess.RunCheckedAsync("stat", "-c", "%F %t:%T", Path.Combine(snapshot.Upper, "gone"));
            Assert.Equal("character special file 0:0", whiteout.StandardOutput.Trim());
        }

        Assert.Equal("g", File.ReadAllText(Path.Combine(lower, "gone")));
        Assert.Equal("old", File.ReadAllText(Path.Combine(lower, "edit")));
    }

    [Fact]
    public void A_chain_too_long_for_one_page_of_mount_options_is_mounted_layer_by_layer()
    {
        // 120 lowers with long paths: about 13 KB of lowerdir, three times what mount(2) takes.
        var lowers = Enumerable.Range(0, 120)
            .Select(i => Layer($"{new string('l', 90)}-{i:D3}", ($"layer-{i:D3}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("top", $"from {i}")))
            .Reverse()
            .ToList();

        using var snapshot = OverlaySnapshot.Mount(_work.Combine("long"), lowers);

        Assert.Equal(120, Directory.GetFiles(snapshot.Merged, "layer-*").Length);
        Assert.Equal("from 119", File.ReadAllText(Path.Combine(snapshot.Merged, "top")));
    }

    [Fact]
    public void Snapshot_without_lower_layers_is_an_empty_root()
    {
        using var snapshot = OverlaySnapshot.Mount(_work.Combine("scratch"), []);

        Assert.Empty(Directory.EnumerateFileSystemEntries(snapshot.Merged));
    }

    [Fact]
    public void Disposing_unmounts_the_merged_view()
    {
        var lower = Layer("lower", ("file", "x"));
        var snapshot = OverlaySnapshot.Mount(_work.Combine("snap"), [lower]);

        snapshot.Dispose();

        Assert.False(File.Exists(Path.Combine(snapshot.Merged, "file")));
        Assert.DoesNotContain(snapshot.Merged, File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);
    }

    [Fact]
    public void Layer_paths_that_overlay_options_cannot_carry_are_refused()
    {
        var odd = Directory.CreateDirectory(_work.Combine("a:b")).FullName;

        Assert.Throws<ArgumentException>(() => OverlaySnapshot.Mount(_work.Combine("snap"), [odd]));
    }

    private string Layer(string name, params (string Path, string Content)[] files)
    {
        var root = Directory.CreateDirectory(_work.Combine("layers", name)).FullName;
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(root, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        return root;
    }
}
