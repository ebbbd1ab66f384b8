namespace Hyper.EndToEnd.Tests;

public sealed class SpecialFileTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    // Longer than ustar's 100-byte name field, so the layer needs PAX headers for it.
    private static readonly string LongDirectory = new('d', 120);

    private readonly BuildWorkspace _workspace = new(busybox);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Hard_links_symlinks_fifos_and_long_names_made_by_RUN_survive_umoci_unpack()
    {
        _workspace.WriteDockerfile($"""
            FROM busybox
            RUN echo shared > /a && ln /a /b && ln -s /a /link && mkfifo /fifo \
                && mkdir -p /{LongDirectory}/{LongDirectory} && echo deep > /{LongDirectory}/{LongDirectory}/file
            """);
        var layout = _workspace.Combine("layout");

        await _workspace.BuildSucceedsAsync("-t", "app:special", "-o", $"type=oci,dest={layout}");

        var bundle = _workspace.Combine("bundle");
        await ExternalProcess.RunCheckedAsync("umoci", "unpack", "--image", $"{layout}:special", bundle);
        var rootfs = Path.Combine(bundle, "rootfs");
        var links = await ExternalProcess.RunCheckedAsync("stat", "-c", "%i %h", Path.Combine(rootfs, "a"), Path.Combine(rootfs, "b"));
        var (a, b) = (links.StandardOutput.Split('\n')[0], links.StandardOutput.Split('\n')[1]);
        Assert.Equal(a, b);
        Assert.EndsWith(" 2", a, StringComparison.Ordinal);
        Assert.Equal("/a", new FileInfo(Path.Combine(rootfs, "link")).LinkTarget);
        Assert.Equal("p", (await ExternalProcess.RunCheckedAsync("stat", "-c", "%A", Path.Combine(rootfs, "fifo"))).StandardOutput[..1]);
        Assert.Equal("deep\n", File.ReadAllText(Path.Combine(rootfs, LongDirectory, LongDirectory, "file")));
    }

    [Fact]
    public async Task An_image_with_a_USER_runs_as_that_user_in_podman()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN echo 'app:x:1234:1234::/tmp:/bin/sh' >> /etc/passwd && echo 'app:x:1234:' >> /etc/group
            USER app
            CMD ["id"]
            """);
        var archive = _workspace.Combine("app.tar");

        await _workspace.BuildSucceedsAsync("-t", "app:user", "-o", $"type=oci,dest={archive}");

        using var podman = new Podman();
        Assert.StartsWith("uid=1234(app) gid=1234(app)", (await podman.RunAsync($"oci-archive:{archive}")).StandardOutput, StringComparison.Ordinal);
    }
}
