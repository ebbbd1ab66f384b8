using System.Runtime.InteropServices;

namespace Hyper.EndToEnd.Tests;

public sealed class ImageConfigTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    private readonly BuildWorkspace _workspace = new(busybox);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Every_config_instruction_lands_in_the_image_config()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            ENV MODE=production
            WORKDIR /srv
            USER nobody
            EXPOSE 8080 53/udp
            VOLUME ["/data", "/cache"]
            LABEL org.opencontainers.image.title="e2e app" tier=backend
            STOPSIGNAL SIGQUIT
            HEALTHCHECK --interval=30s --timeout=5s --retries=3 CMD wget -q -O- http://127.0.0.1:8080/ || exit 1
            SHELL ["/bin/sh", "-ec"]
            ONBUILD RUN echo child build
            ENTRYPOINT ["/bin/app"]
            CMD ["--serve"]
            """);

        await _workspace.BuildSucceedsAsync("-t", "app:config");

        var image = await _workspace.ReadImageAsync("app:config");
        var config = image.ContainerConfig;
        Assert.Contains("MODE=production", config.Env ?? []);
        Assert.Equal("/srv", config.WorkingDir);
        Assert.Equal("nobody", config.User);
        Assert.Equal(["53/udp", "8080/tcp"], config.ExposedPorts!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["/cache", "/data"], config.Volumes!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("e2e app", config.Labels!["org.opencontainers.image.title"]);
        Assert.Equal("backend", config.Labels["tier"]);
        Assert.Equal("SIGQUIT", config.StopSignal);
        Assert.Equal(["CMD-SHELL", "wget -q -O- http://127.0.0.1:8080/ || exit 1"], config.Healthcheck!.Test);
        Assert.Equal(30_000_000_000, config.Healthcheck.IntervalNanoseconds);
        Assert.Equal(5_000_000_000, config.Healthcheck.TimeoutNanoseconds);
        Assert.Equal(3, config.Healthcheck.Retries);
        Assert.Equal(["/bin/sh", "-ec"], config.Shell);
        Assert.Equal(["RUN echo child build"], config.OnBuild);
        Assert.Equal(["/bin/app"], config.Entrypoint);
        Assert.Equal(["--serve"], config.Cmd);
        Assert.Equal(HostArchitecture(), image.Config.Architecture);
        Assert.Equal("linux", image.Config.OS);
    }

    [Fact]
    public async Task ENTRYPOINT_resets_the_CMD_inherited_from_the_base_but_not_one_set_in_the_same_stage()
    {
        _workspace.WriteDockerfile("""
            FROM busybox AS reset
            ENTRYPOINT ["/bin/echo"]

            FROM busybox AS kept
            CMD ["hello"]
            ENTRYPOINT ["/bin/echo"]

            FROM busybox AS shell
            ENTRYPOINT echo from a shell
            """);

        await _workspace.BuildSucceedsAsync("--target", "reset", "-t", "app:reset");
        await _workspace.BuildSucceedsAsync("--target", "kept", "-t", "app:kept");
        await _workspace.BuildSucceedsAsync("--target", "shell", "-t", "app:shell");

        Assert.Equal(BusyboxBaseImage.Command, (await busybox.ReadConfigAsync()).Config!.Cmd);
        var reset = (await _workspace.ReadImageAsync("app:reset")).ContainerConfig;
        Assert.Equal(["/bin/echo"], reset.Entrypoint);
        Assert.Null(reset.Cmd);
        Assert.Equal(["hello"], (await _workspace.ReadImageAsync("app:kept")).ContainerConfig.Cmd);
        Assert.Equal(["/bin/sh", "-c", "echo from a shell"], (await _workspace.ReadImageAsync("app:shell")).ContainerConfig.Entrypoint);
    }

    [Fact]
    public async Task History_has_one_entry_per_step_and_the_diff_ids_are_the_layers_uncompressed()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            ENV A=1
            RUN echo one > /one
            LABEL b=2
            COPY two.txt /two.txt
            RUN true
            """);
        _workspace.WriteFile("two.txt", "two\n");

        await _workspace.BuildSucceedsAsync("-t", "app:history");

        var image = await _workspace.ReadImageAsync("app:history");
        var own = image.History.TakeLast(5).ToList();
        Assert.Equal([true, false, true, false, true], own.Select(static h => h.EmptyLayer == true));
        Assert.Equal("ENV A=1", own[0].CreatedBy);
        Assert.Contains("echo one > /one", own[1].CreatedBy, StringComparison.Ordinal);
        Assert.Equal("LABEL b=2", own[2].CreatedBy);
        Assert.Contains("COPY two.txt /two.txt", own[3].CreatedBy, StringComparison.Ordinal);
        Assert.Contains("true", own[4].CreatedBy, StringComparison.Ordinal);
        Assert.All(image.History, static h => Assert.NotNull(h.Created));

        Assert.Equal(image.Layers.Count, image.History.Count(static h => h.EmptyLayer != true));
        Assert.Equal(image.Layers.Count, image.Config.RootFs.DiffIds.Count);
        for (var i = 0; i < image.Layers.Count; i++)
        {
            var layer = image.Layers[i];
            Assert.Equal(image.Config.RootFs.DiffIds[i], await LayerArchive.DiffIdAsync(image.Layout.GetBlobPath(layer.Digest), layer.MediaType));
        }
    }

    private static string HostArchitecture() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "amd64",
        Architecture.Arm64 => "arm64",
        var other => other.ToString().ToLowerInvariant(),
    };
}
