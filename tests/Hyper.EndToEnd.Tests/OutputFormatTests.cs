using System.Text.Json;

namespace Hyper.EndToEnd.Tests;

public sealed class OutputFormatTests(BusyboxBaseImage busybox) : IClassFixture<BusyboxBaseImage>, IDisposable
{
    private const string Dockerfile = """
        FROM busybox
        RUN echo built > /built.txt
        CMD ["cat", "/built.txt"]
        """;

    private readonly BuildWorkspace _workspace = new(busybox);

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Format_docker_writes_docker_media_types_for_manifest_config_and_layers()
    {
        _workspace.WriteDockerfile(Dockerfile);

        await _workspace.BuildSucceedsAsync("--format", "docker", "-t", "app:docker");

        var image = await _workspace.ReadImageAsync("app:docker");
        Assert.Equal(MediaTypes.DockerManifest, image.Manifest.MediaType);
        Assert.Equal(MediaTypes.DockerConfig, image.Manifest.Image!.Config.MediaType);
        Assert.All(image.Layers, static l => Assert.Equal("application/vnd.docker.image.rootfs.diff.tar.gzip", l.MediaType));
    }

    [Fact]
    public async Task Format_docker_with_zstd_compression_is_refused_before_any_step_runs()
    {
        _workspace.WriteDockerfile("""
            FROM busybox
            RUN echo this step must not run
            """);

        var result = await _workspace.BuildAsync("--format", "docker", "--compression", "zstd");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("zstd layers cannot be written in the Docker format", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("RUN echo", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_docker_archive_loads_into_podman_and_runs()
    {
        _workspace.WriteDockerfile(Dockerfile);
        var archive = _workspace.Combine("app.tar");

        await _workspace.BuildSucceedsAsync("-t", "app:archive", "-o", $"type=docker,dest={archive}");

        using var podman = new Podman();
        await podman.LoadAsync(archive);
        Assert.Equal("built\n", (await podman.RunAsync("app:archive")).StandardOutput);
    }

    [Fact]
    public async Task An_oci_layout_directory_is_read_by_umoci_and_skopeo()
    {
        _workspace.WriteDockerfile(Dockerfile);
        var layout = _workspace.Combine("layout");

        await _workspace.BuildSucceedsAsync("-t", "app:layout", "-o", $"type=oci,dest={layout}");

        var bundle = _workspace.Combine("bundle");
        await ExternalProcess.RunCheckedAsync("umoci", "unpack", "--image", $"{layout}:layout", bundle);
        Assert.Equal("built\n", File.ReadAllText(Path.Combine(bundle, "rootfs/built.txt")));
        using var inspect = JsonDocument.Parse((await ExternalProcess.RunCheckedAsync("skopeo", "inspect", $"oci:{layout}:layout")).StandardOutput);
        Assert.Equal("linux", inspect.RootElement.GetProperty("Os").GetString());
    }

    [Fact]
    public async Task An_oci_archive_is_read_by_skopeo_and_runs_in_podman()
    {
        _workspace.WriteDockerfile(Dockerfile);
        var archive = _workspace.Combine("app-oci.tar");

        await _workspace.BuildSucceedsAsync("-t", "app:ociarchive", "-o", $"type=oci,dest={archive}");

        using var inspect = JsonDocument.Parse((await ExternalProcess.RunCheckedAsync("skopeo", "inspect", $"oci-archive:{archive}")).StandardOutput);
        Assert.Equal(4, inspect.RootElement.GetProperty("Layers").GetArrayLength());
        using var podman = new Podman();
        Assert.Equal("built\n", (await podman.RunAsync($"oci-archive:{archive}")).StandardOutput);
    }

    [Theory]
    [InlineData("zstd", "application/vnd.oci.image.layer.v1.tar+zstd")]
    [InlineData("none", "application/vnd.oci.image.layer.v1.tar")]
    [InlineData("gzip", "application/vnd.oci.image.layer.v1.tar+gzip")]
    public async Task Compression_sets_the_media_type_of_new_layers_and_the_layers_are_valid(string compression, string mediaType)
    {
        _workspace.WriteDockerfile(Dockerfile);
        var layout = _workspace.Combine("layout");

        await _workspace.BuildSucceedsAsync("--compression", compression, "-t", "app:compressed", "-o", $"type=oci,dest={layout}");

        var image = await _workspace.ReadImageAsync("app:compressed");
        var built = image.Layers[^1];
        Assert.Equal(mediaType, built.MediaType);
        Assert.Equal(image.Config.RootFs.DiffIds[^1], await LayerArchive.DiffIdAsync(image.Layout.GetBlobPath(built.Digest), built.MediaType));
        Assert.Contains(await image.ReadTopLayerAsync(), static e => e.Name == "built.txt" && e.Text == "built\n");
        await ExternalProcess.RunCheckedAsync("skopeo", "inspect", $"oci:{layout}:compressed");
    }
}
