using Hyper.Build.Context;
using Hyper.Build.Engine;
using Hyper.Build.Execution;
using Hyper.Build.Images;

namespace Hyper.Build.Tests.Engine;

/// <summary>A whole build, COPY and RUN (in runc) included, on copying snapshots instead of overlayfs.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CopyingSnapshotBuildTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task A_build_with_copy_and_run_steps_works_on_copying_snapshots()
    {
        var context = Directory.CreateDirectory(_work.Combine("context")).FullName;
        var bin = Directory.CreateDirectory(Path.Combine(context, "rootfs", "bin")).FullName;
        File.Copy("/bin/busybox", Path.Combine(bin, "busybox"));
        foreach (var applet in new[] { "sh", "echo", "rm", "mkdir", "ln", "cat", "ls" })
        {
            File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
        }

        await File.WriteAllTextAsync(Path.Combine(context, "extra"), "extra\n");
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), """
            FROM scratch
            COPY rootfs/ /
            RUN echo hello > /greeting && rm /bin/ls && mkdir -p /data && ln -s /greeting /data/link
            COPY extra /data/extra
            RUN cat /data/link /data/extra > /data/both
            """);

        var images = await ImageStore.OpenAsync(_work.Combine("images"));
        var snapshots = new SnapshotStore(_work.Combine("snapshots"), Snapshotter.Copy);
        var containers = new ContainerLauncher(new OciRuntime("runc", _work.Combine("runc-state")), _work.Combine("bundles"));
        using var http = new HttpClient();
        var builder = new Builder(images, snapshots, containers, new LocalImageSource(images), http, new Hyper.Build.Cache.BuildCache(_work.Combine("buildcache")));

        var result = await builder.BuildAsync(
            new BuildRequest { Context = BuildContext.FromDirectory(context), Network = NetworkMode.None },
            new SilentProgress(),
            CancellationToken.None);

        Assert.Equal(Snapshotter.Copy, snapshots.Snapshotter);
        Assert.Equal(4, result.Config.RootFs.DiffIds.Count);
        var root = _work.Combine("root");
        foreach (var layer in result.Manifest.Image!.Layers)
        {
            await using var blob = images.Layout.OpenBlob(layer);
            await LayerUnpacker.ApplyAsync(blob, root, CancellationToken.None);
        }

        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(root, "greeting")));
        Assert.False(File.Exists(Path.Combine(root, "bin/ls")));
        Assert.True(File.Exists(Path.Combine(root, "bin/cat")));
        Assert.Equal("/greeting", new FileInfo(Path.Combine(root, "data/link")).LinkTarget);
        Assert.Equal("hello\nextra\n", await File.ReadAllTextAsync(Path.Combine(root, "data/both")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(snapshots.Directory, "active")));
    }

    private sealed class SilentProgress : IBuildProgress
    {
        public void Started(BuildVertex vertex)
        {
        }

        public void Output(BuildVertex vertex, string line)
        {
        }

        public void Cached(BuildVertex vertex)
        {
        }

        public void Finished(BuildVertex vertex, TimeSpan duration, string? error)
        {
        }
    }
}
