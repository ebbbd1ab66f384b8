using System.Text.RegularExpressions;

namespace Hyper.EndToEnd.Tests;

/// <summary>The build cache: which steps a rebuild runs, what it reuses, and how the cache is limited and pruned.</summary>
public sealed class BuildCacheTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    // Each RUN prints a marker only when it runs, so a build's output says which steps ran. The quotes keep the
    // marker out of the step's name, which the output shows whether the step runs or not.
    private const string Dockerfile = """
        FROM busybox
        COPY a.txt /app/a.txt
        RUN echo "ran"-after-a && cat /app/a.txt > /app/a.copy
        COPY b.txt /app/b.txt
        RUN echo "ran"-after-b && cat /app/b.txt > /app/b.copy
        WORKDIR /app
        ENV MODE=test
        ARG GREETING=hello
        RUN echo "ran"-last "$GREETING" | tee /app/last
        CMD ["cat", "/app/last"]
        """;

    private readonly BuildWorkspace _workspace = new(busybox);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task A_rebuild_with_nothing_changed_runs_no_step_and_gives_the_same_image()
    {
        WriteContext();
        var first = await _workspace.BuildSucceedsAsync("-t", "app:1");
        var second = await _workspace.BuildSucceedsAsync("-t", "app:2");

        Assert.Contains("ran-after-a", first.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ran-", second.Error, StringComparison.Ordinal);
        Assert.Equal(6, CountCached(second));
        var one = await _workspace.ReadImageAsync("app:1");
        var two = await _workspace.ReadImageAsync("app:2");
        Assert.Equal(one.Manifest.Digest, two.Manifest.Digest);
    }

    [Fact]
    public async Task Changing_one_copied_file_reruns_only_the_steps_from_that_copy_on()
    {
        WriteContext();
        await _workspace.BuildSucceedsAsync("-t", "app:1");
        _workspace.WriteFile("b.txt", "b changed\n");
        var second = await _workspace.BuildSucceedsAsync("-t", "app:2");

        Assert.DoesNotContain("ran-after-a", second.Error, StringComparison.Ordinal);
        Assert.Contains("ran-after-b", second.Error, StringComparison.Ordinal);
        Assert.Contains("ran-last", second.Error, StringComparison.Ordinal);
        var one = await _workspace.ReadImageAsync("app:1");
        var two = await _workspace.ReadImageAsync("app:2");

        // busybox's layer, COPY a.txt and its RUN are shared; the rest are new.
        var shared = (await busybox.ReadManifestAsync()).Image!.Layers.Count + 2;
        Assert.Equal(one.Layers.Take(shared).Select(static l => l.Digest), two.Layers.Take(shared).Select(static l => l.Digest));
        Assert.NotEqual(one.Layers[shared].Digest, two.Layers[shared].Digest);
    }

    [Fact]
    public async Task Touching_a_file_without_changing_it_keeps_the_cache()
    {
        WriteContext();
        await _workspace.BuildSucceedsAsync("-t", "app:1");
        File.SetLastWriteTimeUtc(Path.Combine(_workspace.Context, "a.txt"), DateTime.UtcNow.AddHours(1));
        var second = await _workspace.BuildSucceedsAsync("-t", "app:2");

        Assert.DoesNotContain("ran-", second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_changed_mode_or_a_changed_build_arg_invalidates_what_depends_on_it()
    {
        WriteContext();
        await _workspace.BuildSucceedsAsync("-t", "app:1");
        File.SetUnixFileMode(Path.Combine(_workspace.Context, "b.txt"), (UnixFileMode)0b111_101_101);
        var modeChanged = await _workspace.BuildSucceedsAsync("-t", "app:2");
        var argChanged = await _workspace.BuildSucceedsAsync("-t", "app:3", "--build-arg", "GREETING=bonjour");

        Assert.DoesNotContain("ran-after-a", modeChanged.Error, StringComparison.Ordinal);
        Assert.Contains("ran-after-b", modeChanged.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ran-after-b", argChanged.Error, StringComparison.Ordinal);
        Assert.Contains("ran-last bonjour", argChanged.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_cache_runs_every_step_and_no_cache_filter_only_the_named_stage()
    {
        _workspace.WriteDockerfile("""
            FROM busybox AS tools
            RUN echo "ran"-tools | tee /tools
            FROM busybox AS app
            RUN echo "ran"-app | tee /app
            COPY --from=tools /tools /tools
            """);
        await _workspace.BuildSucceedsAsync("-t", "app:1");
        var noCache = await _workspace.BuildSucceedsAsync("-t", "app:2", "--no-cache");
        var filtered = await _workspace.BuildSucceedsAsync("-t", "app:3", "--no-cache-filter", "app");

        Assert.Contains("ran-tools", noCache.Error, StringComparison.Ordinal);
        Assert.Contains("ran-app", noCache.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("ran-tools", filtered.Error, StringComparison.Ordinal);
        Assert.Contains("ran-app", filtered.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stage_that_runs_again_and_changes_invalidates_the_steps_that_copy_from_it()
    {
        _workspace.WriteDockerfile("""
            FROM busybox AS tools
            RUN date +%s%N > /stamp
            FROM busybox
            COPY --from=tools /stamp /stamp
            RUN echo "ran"-after-copy
            """);
        await _workspace.BuildSucceedsAsync("-t", "app:1");
        var second = await _workspace.BuildSucceedsAsync("-t", "app:2", "--no-cache-filter", "tools");

        // The tools stage made a different /stamp, so the copy and the step after it cannot be the old ones.
        Assert.Contains("ran-after-copy", second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_the_image_keeps_the_cached_layers_and_prune_removes_them()
    {
        WriteContext();
        await _workspace.BuildSucceedsAsync("-t", "app:1");
        var removed = await Hyperbuild.RunAsync("--root", _workspace.Root, "rmi", "app:1");
        Assert.True(removed.Succeeded, removed.ToString());

        var afterRmi = await _workspace.BuildSucceedsAsync("-t", "app:2");
        Assert.DoesNotContain("ran-", afterRmi.Error, StringComparison.Ordinal);

        Assert.True((await Hyperbuild.RunAsync("--root", _workspace.Root, "rmi", "app:2")).Succeeded);
        var pruned = await Hyperbuild.RunAsync("--root", _workspace.Root, "prune", "--all", "-f");
        Assert.True(pruned.Succeeded, pruned.ToString());
        Assert.Contains("Deleted 6 cache records", pruned.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(_workspace.Root, "buildcache", "records")));

        var afterPrune = await _workspace.BuildSucceedsAsync("-t", "app:3");
        Assert.Contains("ran-after-a", afterPrune.Error, StringComparison.Ordinal);
        Assert.Contains("ran-last", afterPrune.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_with_keep_storage_removes_the_least_recently_used_records_first()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN head -c 300000 /dev/urandom > /first
            RUN head -c 300000 /dev/urandom > /second
            """);
        await _workspace.BuildSucceedsAsync("-t", "app:1");
        Assert.True((await Hyperbuild.RunAsync("--root", _workspace.Root, "rmi", "app:1")).Succeeded);

        var pruned = await Hyperbuild.RunAsync("--root", _workspace.Root, "prune", "--keep-storage", "400KB");
        Assert.True(pruned.Succeeded, pruned.ToString());
        Assert.Contains("Deleted 1 cache records", pruned.Output, StringComparison.Ordinal);

        // The older record went; its child's key depends on it, so both steps run again.
        var rebuilt = await _workspace.BuildSucceedsAsync("-t", "app:2");
        Assert.Equal(0, CountCached(rebuilt));
    }

    [Fact]
    public async Task Cache_steps_show_as_cached_in_plain_progress()
    {
        WriteContext();
        await _workspace.BuildSucceedsAsync("-t", "app:1");
        var second = await _workspace.BuildSucceedsAsync("-t", "app:2");

        Assert.Matches(@"#\d+ \[stage-0 2/7\] COPY a.txt /app/a.txt\n#\d+ CACHED\n", second.Error);
    }

    [Fact]
    public async Task A_cached_rebuild_of_an_image_from_scratch_that_starts_with_a_label_gives_the_same_image()
    {
        _workspace.WriteDockerfile("""
            FROM scratch
            LABEL stage=first
            COPY a.txt /a.txt
            """);
        _workspace.WriteFile("a.txt", "a\n");
        await _workspace.BuildSucceedsAsync("-t", "app:1");
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var second = await _workspace.BuildSucceedsAsync("-t", "app:2");

        Assert.Equal(1, CountCached(second));
        Assert.Equal((await _workspace.ReadImageAsync("app:1")).Manifest.Digest, (await _workspace.ReadImageAsync("app:2")).Manifest.Digest);
    }

    [Fact]
    public async Task A_step_reused_under_another_spelling_gets_its_own_history_line()
    {
        _workspace.WriteFile("a.txt", "a\n");
        _workspace.WriteDockerfile("FROM busybox\nCOPY a.txt /x\n");
        await _workspace.BuildSucceedsAsync("-t", "app:shell", "--build-arg", "SOURCE_DATE_EPOCH=1700000000");
        _workspace.WriteDockerfile("FROM busybox\nCOPY [\"a.txt\", \"/x\"]\n");
        var cached = await _workspace.BuildSucceedsAsync("-t", "app:json", "--build-arg", "SOURCE_DATE_EPOCH=1700000000");
        await _workspace.BuildSucceedsAsync("-t", "app:json-fresh", "--build-arg", "SOURCE_DATE_EPOCH=1700000000", "--no-cache");

        Assert.Equal(1, CountCached(cached));
        var reused = await _workspace.ReadImageAsync("app:json");
        Assert.Equal((await _workspace.ReadImageAsync("app:json-fresh")).Manifest.Digest, reused.Manifest.Digest);
        Assert.Contains(reused.History, static h => h.CreatedBy == "COPY [\"a.txt\", \"/x\"] # buildkit");
    }

    [Fact]
    public async Task Du_lists_each_cached_step_and_what_removing_the_image_makes_reclaimable()
    {
        WriteContext();
        await _workspace.BuildSucceedsAsync("-t", "app:1");
        var before = await Hyperbuild.RunAsync("--root", _workspace.Root, "du");
        Assert.True((await Hyperbuild.RunAsync("--root", _workspace.Root, "rmi", "app:1")).Succeeded);
        var after = await Hyperbuild.RunAsync("--root", _workspace.Root, "du");

        Assert.True(before.Succeeded, before.ToString());
        Assert.Equal(6, Regex.Count(before.Output, "^[0-9a-f]{12} ", RegexOptions.Multiline));
        Assert.Contains("Reclaimable:\t0 B", before.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Reclaimable:\t0 B", after.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(" false ", after.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prune_waits_for_a_build_that_uses_the_root()
    {
        WriteContext();
        await _workspace.BuildSucceedsAsync("-t", "app:1");
        Task<HyperbuildResult> prune;
        using (await Hyper.Oci.AdvisoryLock.AcquireSharedAsync(Path.Combine(_workspace.Root, "lock")))
        {
            prune = Task.Run(() => Hyperbuild.RunAsync("--root", _workspace.Root, "prune"));
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.False(prune.IsCompleted, "prune deleted while a build held the root");
        }

        var result = await prune.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains("waiting for the builds", result.Error, StringComparison.Ordinal);
    }

    private static int CountCached(HyperbuildResult result) =>
        result.Error.Split('\n').Count(static line => line.EndsWith(" CACHED", StringComparison.Ordinal));

    private void WriteContext()
    {
        _workspace.WriteDockerfile(Dockerfile);
        _workspace.WriteFile("a.txt", "a\n");
        _workspace.WriteFile("b.txt", "b\n");
    }
}
