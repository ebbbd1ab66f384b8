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
}
