namespace Hyper.EndToEnd.Tests;

public sealed class MultiStageBuildTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    private readonly BuildWorkspace _workspace = new(busybox);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task The_final_stage_copies_what_the_build_stage_made_and_the_image_runs_in_podman()
    {
        _workspace.WriteDockerfile("""
            FROM busybox AS build
            RUN mkdir /out && printf '#!/bin/sh\necho "hello from $1"\n' > /out/hello && chmod 755 /out/hello

            FROM busybox
            COPY --from=build /out/hello /app/hello
            ENTRYPOINT ["/app/hello"]
            CMD ["e2e"]
            """);
        var archive = _workspace.Combine("app.tar");

        await _workspace.BuildSucceedsAsync("-t", "app:1", "-o", $"type=docker,dest={archive}");

        using var podman = new Podman();
        var loaded = await podman.LoadAsync(archive);
        Assert.Contains("app:1", loaded.StandardOutput + loaded.StandardError, StringComparison.Ordinal);
        Assert.Equal("hello from e2e\n", (await podman.RunAsync("app:1")).StandardOutput);
        Assert.Equal("hello from podman\n", (await podman.RunAsync("app:1", "podman")).StandardOutput);
    }

    [Fact]
    public async Task Target_builds_only_the_stages_the_target_needs()
    {
        _workspace.WriteDockerfile("""
            FROM busybox AS base
            RUN echo base > /base.txt

            FROM busybox AS broken
            RUN echo this stage must not run && exit 3

            FROM base AS test
            RUN echo test > /test.txt

            FROM broken AS release
            RUN echo release > /release.txt
            """);

        var rootfs = _workspace.Combine("rootfs");
        var result = await _workspace.BuildSucceedsAsync("--target", "test", "-t", "app:test", "-o", $"type=local,dest={rootfs}");

        Assert.DoesNotContain("this stage must not run", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("[broken", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("[release", result.Error, StringComparison.Ordinal);
        Assert.Equal("base\n", File.ReadAllText(Path.Combine(rootfs, "base.txt")));
        Assert.Equal("test\n", File.ReadAllText(Path.Combine(rootfs, "test.txt")));
        Assert.False(File.Exists(Path.Combine(rootfs, "release.txt")));
    }

    [Fact]
    public async Task Without_target_the_last_stage_is_built_and_a_failing_stage_it_needs_fails_the_build()
    {
        _workspace.WriteDockerfile("""
            FROM busybox AS broken
            RUN exit 3

            FROM broken
            RUN echo unreachable
            """);

        var result = await _workspace.BuildAsync("-t", "app:broken");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Dockerfile:2", result.Error, StringComparison.Ordinal);
        Assert.Contains("exit code: 3", result.Error, StringComparison.Ordinal);
    }
}
