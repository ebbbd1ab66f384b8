namespace Hyper.EndToEnd.Tests;

/// <summary>
/// Stages that do not depend on each other build at the same time, at most <c>--jobs</c> of them. Overlap is
/// shown without timing: steps wait in a shared cache mount for the others to have started, which only ends
/// if they run together, and the plain progress output must show every start before any end.
/// </summary>
public sealed class ParallelStageTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    private const string Epoch = "SOURCE_DATE_EPOCH=1700000000";

    /// <summary>Three independent stages, each a slow RUN, and a final stage copying from each.</summary>
    private const string ThreeSlowStages = """
        FROM busybox AS a
        RUN sleep 1 && echo a > /a

        FROM busybox AS b
        RUN sleep 1 && echo b > /b

        FROM busybox AS c
        RUN sleep 1 && echo c > /c

        FROM busybox
        COPY --from=a /a /a
        COPY --from=b /b /b
        COPY --from=c /c /c
        """;

    private readonly BuildWorkspace _workspace = new(busybox);
    private readonly BuildWorkspace _other = new(busybox);

    public void Dispose()
    {
        _workspace.Dispose();
        _other.Dispose();
    }

    [Fact]
    public async Task With_jobs_3_three_independent_stages_run_their_steps_at_the_same_time()
    {
        // Each step marks that it started, then waits for the other two: it finishes only if all three run at once.
        // The wait gives up after a minute so a build that runs them one by one fails instead of hanging.
        _workspace.WriteDockerfile("""
            FROM busybox AS a
            RUN --mount=type=cache,target=/sync,id=sync touch /sync/a && i=0 && until [ -e /sync/b ] && [ -e /sync/c ]; do sleep 0.1; i=$((i+1)); [ $i -lt 600 ] || exit 9; done && echo a > /a

            FROM busybox AS b
            RUN --mount=type=cache,target=/sync,id=sync touch /sync/b && i=0 && until [ -e /sync/a ] && [ -e /sync/c ]; do sleep 0.1; i=$((i+1)); [ $i -lt 600 ] || exit 9; done && echo b > /b

            FROM busybox AS c
            RUN --mount=type=cache,target=/sync,id=sync touch /sync/c && i=0 && until [ -e /sync/a ] && [ -e /sync/b ]; do sleep 0.1; i=$((i+1)); [ $i -lt 600 ] || exit 9; done && echo c > /c

            FROM busybox
            COPY --from=a /a /a
            COPY --from=b /b /b
            COPY --from=c /c /c
            """);

        var rootfs = _workspace.Combine("rootfs");
        var result = await _workspace.BuildSucceedsAsync("--jobs", "3", "-t", "app:parallel", "-o", $"type=local,dest={rootfs}");

        var log = PlainLog.Parse(result.Error);
        var runs = log.VerticesNamed("RUN --mount=type=cache");
        Assert.Equal(3, runs.Count);
        Assert.All(runs, run => Assert.True(log.StartOf(run) < runs.Min(log.EndOf), $"{run} started after another RUN had ended:\n{result}"));
        Assert.Equal("a\n", File.ReadAllText(Path.Combine(rootfs, "a")));
        Assert.Equal("b\n", File.ReadAllText(Path.Combine(rootfs, "b")));
        Assert.Equal("c\n", File.ReadAllText(Path.Combine(rootfs, "c")));
    }

    [Fact]
    public async Task With_jobs_1_independent_stages_run_one_after_another()
    {
        _workspace.WriteDockerfile(ThreeSlowStages);

        var result = await _workspace.BuildSucceedsAsync("--jobs", "1", "-t", "app:serial");

        var log = PlainLog.Parse(result.Error);
        var runs = log.VerticesNamed("RUN sleep 1").OrderBy(log.StartOf).ToList();
        Assert.Equal(3, runs.Count);
        for (var i = 1; i < runs.Count; i++)
        {
            Assert.True(log.EndOf(runs[i - 1]) < log.StartOf(runs[i]), $"{runs[i]} started before {runs[i - 1]} ended:\n{result}");
        }
    }

    [Fact]
    public async Task The_image_is_the_same_whether_stages_build_one_by_one_or_in_parallel()
    {
        _workspace.WriteDockerfile(ThreeSlowStages);
        _other.WriteDockerfile(ThreeSlowStages);

        await _workspace.BuildSucceedsAsync("--build-arg", Epoch, "--jobs", "1", "-t", "app:same");
        await _other.BuildSucceedsAsync("--build-arg", Epoch, "--jobs", "3", "-t", "app:same");

        var serial = await _workspace.ReadImageAsync("app:same");
        var parallel = await _other.ReadImageAsync("app:same");
        Assert.Equal(serial.Manifest.Digest, parallel.Manifest.Digest);
    }

    [Fact]
    public async Task A_stage_failing_while_another_runs_fails_the_build_with_its_own_error_and_cancels_the_other()
    {
        // The failing step waits until the slow one has started, so there is a running step to cancel.
        var duration = $"59.{Random.Shared.Next(100_000, 999_999)}";
        _workspace.WriteDockerfile($"""
            FROM busybox AS slow
            RUN --mount=type=cache,target=/sync,id=sync touch /sync/slow && sleep {duration} && echo slow > /slow

            FROM busybox AS broken
            RUN --mount=type=cache,target=/sync,id=sync until [ -e /sync/slow ]; do sleep 0.1; done; echo failing on purpose; exit 7

            FROM busybox
            COPY --from=slow /slow /slow
            COPY --from=broken /broken /broken
            """);

        // BuildAsync fails the test if the build leaves mounts, snapshots, bundles or runc state behind.
        var result = await _workspace.BuildAsync("--jobs", "2", "-t", "app:broken");

        Assert.Equal(1, result.ExitCode);
        var error = result.Error.Split('\n').Last(static l => l.StartsWith("ERROR: ", StringComparison.Ordinal));
        Assert.StartsWith("ERROR: Dockerfile:5: ", error, StringComparison.Ordinal);
        Assert.Contains("exit code: 7", error, StringComparison.Ordinal);
        Assert.Contains("failing on purpose", result.Error, StringComparison.Ordinal);
        var log = PlainLog.Parse(result.Error);
        var slow = Assert.Single(log.VerticesNamed($"sleep {duration}"));
        Assert.Contains($"{slow} ERROR: canceled", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(CancellationTests.ProcessCommandLines(), line => line.Contains($"sleep\0{duration}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_locked_cache_mount_is_used_by_one_step_at_a_time_even_across_parallel_stages()
    {
        // mkdir fails when the directory exists: a step finding another's marker would have shared the cache with it.
        const string Step = "RUN --mount=type=cache,target=/cache,id=locked,sharing=locked mkdir /cache/busy && sleep 1 && rmdir /cache/busy";
        _workspace.WriteDockerfile($"""
            FROM busybox AS a
            {Step} && touch /a

            FROM busybox AS b
            {Step} && touch /b

            FROM busybox AS c
            {Step} && touch /c

            FROM busybox
            COPY --from=a /a /a
            COPY --from=b /b /b
            COPY --from=c /c /c
            """);

        await _workspace.BuildSucceedsAsync("--jobs", "3", "-t", "app:locked");
    }

    [Fact]
    public async Task Jobs_below_1_is_refused_before_anything_is_built()
    {
        _workspace.WriteDockerfile(ThreeSlowStages);

        var result = await _workspace.BuildAsync("--jobs", "0");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--jobs must be at least 1", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("RUN sleep 1", result.Error, StringComparison.Ordinal);
    }
}
