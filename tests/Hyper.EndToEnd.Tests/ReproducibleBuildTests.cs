namespace Hyper.EndToEnd.Tests;

public sealed class ReproducibleBuildTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    private readonly BuildWorkspace _first = new(busybox);
    private readonly BuildWorkspace _second = new(busybox);

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
    }

    [Fact]
    public async Task With_SOURCE_DATE_EPOCH_two_builds_in_separate_roots_give_the_same_image()
    {
        const string Dockerfile = """
            FROM busybox
            COPY hello.txt /app/
            RUN mkdir -p /app/data && echo generated > /app/data/out.txt && rm /bin/vi
            WORKDIR /app
            CMD ["cat", "/app/hello.txt"]
            """;
        foreach (var workspace in new[] { _first, _second })
        {
            workspace.WriteDockerfile(Dockerfile);
            workspace.WriteFile("hello.txt", "hello\n");
        }

        await _first.BuildSucceedsAsync("--build-arg", "SOURCE_DATE_EPOCH=1700000000", "-t", "app:repro");
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await _second.BuildSucceedsAsync("--build-arg", "SOURCE_DATE_EPOCH=1700000000", "-t", "app:repro");

        var first = await _first.ReadImageAsync("app:repro");
        var second = await _second.ReadImageAsync("app:repro");
        Assert.Equal(first.Layers.Select(static l => l.Digest), second.Layers.Select(static l => l.Digest));
        Assert.Equal(first.Manifest.Digest, second.Manifest.Digest);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000), first.Config.Created);
    }

    [Fact]
    public async Task With_SOURCE_DATE_EPOCH_a_rebuild_that_runs_every_step_again_gives_the_same_image()
    {
        _first.WriteDockerfile("""
            FROM busybox
            COPY hello.txt /app/
            RUN echo generated > /app/out.txt && touch /app/stamp
            """);
        _first.WriteFile("hello.txt", "hello\n");

        await _first.BuildSucceedsAsync("--build-arg", "SOURCE_DATE_EPOCH=1700000000", "-t", "app:1");
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var rerun = await _first.BuildSucceedsAsync("--build-arg", "SOURCE_DATE_EPOCH=1700000000", "--no-cache", "-t", "app:2");

        Assert.DoesNotContain(" CACHED", rerun.Error, StringComparison.Ordinal);
        Assert.Equal((await _first.ReadImageAsync("app:1")).Manifest.Digest, (await _first.ReadImageAsync("app:2")).Manifest.Digest);
    }
}
