using System.Text;

using Hyper.Build.Execution;
using Hyper.Build.Layers;
using Hyper.Build.Tests.Context;

namespace Hyper.Build.Tests.Execution;

/// <summary>Layers unpacked one by one as overlayfs lower directories, checked through a real overlay mount.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LayerUnpackerOverlayTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Overlay_mode_turns_whiteouts_into_overlay_markers_that_a_mount_honours()
    {
        var bottom = _work.Combine("layers/bottom");
        var top = _work.Combine("layers/top");
        await ApplyAsync(bottom, new Tarball().File("keep", "k").File("gone", "g").Directory("dir").File("dir/old", "o"));
        await ApplyAsync(top, new Tarball().Directory("dir").File(".wh.gone", string.Empty).File("dir/.wh..wh..opq", string.Empty).File("dir/new", "n"));

        var marker = LinuxFiles.Lstat(Path.Combine(top, "gone"));
        Assert.True(marker.IsOverlayWhiteout);
        Assert.Equal("y", Encoding.UTF8.GetString(LinuxFiles.ReadExtendedAttributes(Path.Combine(top, "dir"))["trusted.overlay.opaque"]));

        using var snapshot = OverlaySnapshot.Mount(_work.Combine("snap"), [top, bottom]);
        Assert.Equal("k", System.IO.File.ReadAllText(Path.Combine(snapshot.Merged, "keep")));
        Assert.False(System.IO.File.Exists(Path.Combine(snapshot.Merged, "gone")));
        Assert.Equal(["new"], System.IO.Directory.EnumerateFileSystemEntries(Path.Combine(snapshot.Merged, "dir")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Oci_mode_is_still_the_default()
    {
        var root = _work.Combine("root");
        await ApplyAsync(root, new Tarball().File("gone", "g"));

        using var layer = new Tarball().File(".wh.gone", string.Empty).Plain();
        await LayerUnpacker.ApplyAsync(layer, root, CancellationToken.None);

        Assert.Empty(System.IO.Directory.EnumerateFileSystemEntries(root));
    }

    private static async Task ApplyAsync(string root, Tarball tarball)
    {
        using var layer = tarball.Plain();
        await LayerUnpacker.ApplyAsync(layer, root, WhiteoutFormat.Overlay, CancellationToken.None);
    }
}
