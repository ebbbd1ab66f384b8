namespace Hyper.EndToEnd.Tests;

public sealed class WhiteoutTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    private const string Dockerfile = """
        FROM busybox
        RUN mkdir -p /data/dir/nested /data/replaced && echo a > /data/file && echo b > /data/dir/nested/x \
            && echo keep > /data/keep && echo old > /data/replaced/old
        RUN rm -rf /data/file /data/dir /data/replaced && mkdir /data/replaced && echo new > /data/replaced/new \
            && rm /bin/vi
        """;

    private readonly BuildWorkspace _workspace = new(busybox);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Deleted_files_and_directories_are_whiteouts_in_the_layer()
    {
        _workspace.WriteDockerfile(Dockerfile);

        await _workspace.BuildSucceedsAsync("-t", "app:whiteouts");

        var names = (await (await _workspace.ReadImageAsync("app:whiteouts")).ReadTopLayerAsync()).Select(static e => e.Name.TrimEnd('/')).ToList();
        Assert.Contains("data/.wh.file", names);
        Assert.Contains("data/.wh.dir", names);
        Assert.Contains("data/replaced/.wh..wh..opq", names);
        Assert.Contains("data/replaced/new", names);
        Assert.Contains("bin/.wh.vi", names);
        Assert.DoesNotContain(names, static n => n.StartsWith("data/dir/", StringComparison.Ordinal));
        Assert.DoesNotContain("data/keep", names);
    }

    [Fact]
    public async Task Deleted_files_and_directories_are_gone_from_the_local_output()
    {
        _workspace.WriteDockerfile(Dockerfile);

        var rootfs = await _workspace.BuildRootFileSystemAsync();

        AssertDeletionsApplied(rootfs);
    }

    [Fact]
    public async Task Deleted_files_and_directories_are_gone_when_umoci_unpacks_the_image()
    {
        _workspace.WriteDockerfile(Dockerfile);
        var layout = _workspace.Combine("layout");

        await _workspace.BuildSucceedsAsync("-t", "app:whiteouts", "-o", $"type=oci,dest={layout}");

        var bundle = _workspace.Combine("bundle");
        await ExternalProcess.RunCheckedAsync("umoci", "unpack", "--image", $"{layout}:whiteouts", bundle);
        AssertDeletionsApplied(Path.Combine(bundle, "rootfs"));
    }

    private static void AssertDeletionsApplied(string rootfs)
    {
        Assert.False(EntryExists(Path.Combine(rootfs, "data/file")));
        Assert.False(EntryExists(Path.Combine(rootfs, "data/dir")));
        Assert.False(EntryExists(Path.Combine(rootfs, "data/replaced/old")));
        Assert.Equal("new\n", File.ReadAllText(Path.Combine(rootfs, "data/replaced/new")));
        Assert.Equal("keep\n", File.ReadAllText(Path.Combine(rootfs, "data/keep")));
        Assert.False(EntryExists(Path.Combine(rootfs, "bin/vi")), "a file of the base image deleted in a step is still there");
        Assert.True(EntryExists(Path.Combine(rootfs, "bin/sh")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(rootfs, ".wh.*", SearchOption.AllDirectories));
    }

    // Not Path.Exists: the applets are symlinks to /bin/busybox, which would be followed out to the host's.
    private static bool EntryExists(string path) =>
        Directory.Exists(path) || new FileInfo(path) is { } file && (file.Exists || file.LinkTarget is not null);
}
