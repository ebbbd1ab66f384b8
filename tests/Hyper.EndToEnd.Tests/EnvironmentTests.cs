namespace Hyper.EndToEnd.Tests;

public sealed class EnvironmentTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    private readonly BuildWorkspace _workspace = new(busybox);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task ENV_and_ARG_are_visible_in_RUN_but_only_ENV_is_kept_in_the_config()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            ARG FLAVOUR=vanilla
            ENV GREETING="hello world"
            RUN echo "$GREETING|$FLAVOUR" > /seen.txt
            """);

        var rootfs = await _workspace.BuildRootFileSystemAsync("-t", "app:env", "--build-arg", "FLAVOUR=mint");

        Assert.Equal("hello world|mint\n", File.ReadAllText(Path.Combine(rootfs, "seen.txt")));
        var env = (await _workspace.ReadImageAsync("app:env")).ContainerConfig.Env ?? [];
        Assert.Contains("GREETING=hello world", env);
        Assert.Contains(env, static e => e.StartsWith("PATH=", StringComparison.Ordinal));
        Assert.DoesNotContain(env, static e => e.StartsWith("FLAVOUR", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WORKDIR_is_created_relative_ones_build_on_it_and_RUN_starts_there()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            WORKDIR /srv/app
            WORKDIR sub
            RUN pwd > where.txt
            """);

        var rootfs = await _workspace.BuildRootFileSystemAsync("-t", "app:workdir");

        Assert.Equal("/srv/app/sub\n", File.ReadAllText(Path.Combine(rootfs, "srv/app/sub/where.txt")));
        Assert.Equal("/srv/app/sub", (await _workspace.ReadImageAsync("app:workdir")).ContainerConfig.WorkingDir);
    }

    [Fact]
    public async Task A_RUN_that_changes_nothing_adds_a_history_entry_but_no_layer()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN true
            """);

        await _workspace.BuildSucceedsAsync("-t", "app:empty");

        var image = await _workspace.ReadImageAsync("app:empty");
        var baseImage = await busybox.ReadManifestAsync();
        Assert.Equal(baseImage.Image!.Layers.Select(static l => l.Digest), image.Layers.Select(static l => l.Digest));
        Assert.Equal(image.Layers.Count, image.History.Count(static h => h.EmptyLayer != true));
        var last = image.History[^1];
        Assert.True(last.EmptyLayer);
        Assert.Contains("true", last.CreatedBy, StringComparison.Ordinal);
    }
}
