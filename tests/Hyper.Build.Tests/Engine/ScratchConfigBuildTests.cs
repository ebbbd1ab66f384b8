using System.Diagnostics;

using Hyper.Build.Context;
using Hyper.Build.Engine;
using Hyper.Build.Execution;
using Hyper.Build.Images;
using Hyper.Oci;

namespace Hyper.Build.Tests.Engine;

/// <summary>Whole builds on scratch (no base image, no RUN): the image config they write, as BuildKit writes it.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ScratchConfigBuildTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Forty_thousand_LABEL_lines_build_in_linear_time()
    {
        var dockerfile = "FROM scratch\n" + string.Concat(Enumerable.Range(0, 40_000).Select(static i => $"LABEL l{i}=v{i}\n"));

        // A generous bound: copying the labels per LABEL took a minute here; linear takes a few seconds.
        var clock = Stopwatch.StartNew();
        var config = await BuildAsync(dockerfile);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        Assert.Equal(40_000, config.Config!.Labels!.Count);
        Assert.Equal("v39999", config.Config.Labels["l39999"]);
    }

    [Fact]
    public async Task Twenty_thousand_ENV_lines_each_using_the_last_build_in_linear_time()
    {
        var dockerfile = "FROM scratch\nENV V0=x\n" + string.Concat(Enumerable.Range(1, 19_999).Select(static i => $"ENV V{i}=$V{i - 1}\n"));

        var clock = Stopwatch.StartNew();
        var config = await BuildAsync(dockerfile);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        var env = config.Config!.Env!;
        Assert.Equal(20_001, env.Count);
        Assert.Equal("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", env[0]);
        Assert.Equal("V19999=x", env[^1]);
    }

    [Fact]
    public async Task ENV_and_LABEL_replace_earlier_values_in_place()
    {
        var config = await BuildAsync("""
            FROM scratch
            ENV A=1 B=2
            LABEL x=1 y=2
            ENV A=3
            LABEL x=3
            """);

        Assert.Equal(["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "A=3", "B=2"], config.Config!.Env);
        Assert.Equal(new Dictionary<string, string> { ["x"] = "3", ["y"] = "2" }, config.Config.Labels);
    }

    [Fact]
    public async Task Stages_built_on_one_base_do_not_change_each_others_config()
    {
        var config = await BuildAsync("""
            FROM scratch AS base
            ENV A=1
            LABEL x=1
            EXPOSE 80
            FROM base AS child
            ENV A=2
            LABEL x=2
            EXPOSE 81
            WORKDIR /w
            FROM base
            COPY --from=child /w /w
            """);

        Assert.Contains("A=1", config.Config!.Env!);
        Assert.Equal("1", config.Config.Labels!["x"]);
        Assert.Equal(["80/tcp"], config.Config.ExposedPorts!.Keys);
    }

    [Fact]
    public async Task A_scratch_image_works_in_the_root_directory_as_BuildKits_empty_image_does()
    {
        var config = await BuildAsync("FROM scratch\nLABEL a=b\n");

        Assert.Equal("/", config.Config!.WorkingDir);
    }

    [Fact]
    public async Task An_absolute_WORKDIR_keeps_its_trailing_slash_in_the_config_and_history_and_a_relative_one_is_cleaned()
    {
        var kept = await BuildAsync("FROM scratch\nWORKDIR /usr/src/\n");
        var joined = await BuildAsync("FROM scratch\nWORKDIR /usr/src/\nWORKDIR app/\n");

        Assert.Equal("/usr/src/", kept.Config!.WorkingDir);
        Assert.Equal("WORKDIR /usr/src/", kept.History![^1].CreatedBy);
        Assert.Equal("/usr/src/app", joined.Config!.WorkingDir);
    }

    [Theory]
    [InlineData("CMD []")]
    [InlineData("CMD [\"x\"]\nCMD []")]
    public async Task An_empty_CMD_is_left_out_of_the_config(string cmd)
    {
        var config = await BuildAsync($"FROM scratch\n{cmd}\n");

        Assert.Null(config.Config!.Cmd);
    }

    [Fact]
    public async Task An_empty_ENTRYPOINT_is_left_out_of_the_config()
    {
        var config = await BuildAsync("FROM scratch\nENTRYPOINT []\n");

        Assert.Null(config.Config!.Entrypoint);
    }

    private async Task<ImageConfig> BuildAsync(string dockerfile)
    {
        var context = Directory.CreateDirectory(_work.Combine("context")).FullName;
        File.WriteAllText(Path.Combine(context, "Dockerfile"), dockerfile);
        var images = await ImageStore.OpenAsync(_work.Combine("images"));
        var snapshots = new SnapshotStore(_work.Combine("snapshots"), Snapshotter.Copy);
        var containers = new ContainerLauncher(new OciRuntime("runc", _work.Combine("runc-state")), _work.Combine("bundles"));
        using var http = new HttpClient();
        var builder = new Builder(images, snapshots, containers, new LocalImageSource(images), http, new Hyper.Build.Cache.BuildCache(_work.Combine("buildcache")));
        var result = await builder.BuildAsync(
            new BuildRequest
            {
                Context = BuildContext.FromDirectory(context),
                Options = new Hyper.Build.Solver.BuildOptions { BuildPlatform = Platform.Current },
                Network = NetworkMode.None,
            },
            new SilentProgress(),
            CancellationToken.None);
        return result.Config;
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
