using System.Text.Json;

using Hyper.Oci;
using Hyper.Oci.Layout;
using Hyper.Testing;

namespace Hyper.Cli.Tests.Commands;

/// <summary><c>hyperbuild copy</c> between the local transports, and what skopeo makes of the results.</summary>
public sealed class CopyCommandTests : IDisposable
{
    private readonly TempDirectory _work = new();

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task The_local_store_is_a_source_and_destination_named_hyperbuild_storage()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: "stored");
        var root = _work.Combine("root");
        var exported = _work.Combine("exported");

        await Hyperbuild.RunCheckedAsync("--root", root, "copy", "-q", $"oci:{source.Path}:v1", "hyperbuild-storage:t:1");
        var listed = await Hyperbuild.RunCheckedAsync("--root", root, "images");
        var inspected = await Hyperbuild.RunCheckedAsync("--root", root, "inspect", "hyperbuild-storage:t:1");
        var byId = await Hyperbuild.RunCheckedAsync("--root", root, "inspect", "--raw", $"hyperbuild-storage:{image.ConfigDescriptor.Digest.Encoded[..12]}");
        var copied = await Hyperbuild.RunCheckedAsync("--root", root, "copy", "-q", "hyperbuild-storage:t:1", $"oci:{exported}:t");
        var pushed = await Hyperbuild.RunCheckedAsync("--root", root, "push", "-q", "hyperbuild-storage:t:1", $"oci-archive:{_work.Combine("pushed.tar")}");

        Assert.Contains(image.ConfigDescriptor.Digest.Encoded[..12], listed, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^t\s+1\s", listed);
        using var json = JsonDocument.Parse(inspected);
        Assert.Equal(image.Manifest.Digest.ToString(), json.RootElement.GetProperty("Digest").GetString());
        Assert.Equal(image.Manifest.Bytes.ToArray(), System.Text.Encoding.UTF8.GetBytes(byId));
        Assert.Equal(image.Manifest.Digest.ToString(), copied.Trim());
        Assert.Equal(image.Manifest.Digest.ToString(), pushed.Trim());
        Assert.Equal(image.Manifest.Digest, (await (await OciLayout.OpenAsync(exported)).ResolveAsync("t")).Digest);
        var skopeo = await ExternalProcess.RunCheckedAsync("skopeo", "inspect", "--raw", $"oci:{exported}:t");
        Assert.Equal(image.Manifest.Bytes.ToArray(), System.Text.Encoding.UTF8.GetBytes(skopeo.StandardOutput));
    }

    [Fact]
    public async Task An_image_the_local_store_lacks_is_one_line_and_exit_1()
    {
        var (exitCode, _, error) = await Hyperbuild.RunAsync("--root", _work.Combine("root"), "inspect", "hyperbuild-storage:missing:1");

        Assert.Equal(1, exitCode);
        Assert.Equal("hyperbuild: no such image in the local store: missing:1 (hyperbuild images lists them)", error.Trim());
    }

    [Fact]
    public async Task Oci_to_oci_archive_to_docker_archive_to_oci_keeps_what_each_format_can()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: "chain");
        var archive = _work.Combine("image.tar");
        var dockerArchive = _work.Combine("docker.tar");
        var back = _work.Combine("back");

        var copied = await Hyperbuild.RunCheckedAsync("copy", "-q", $"oci:{source.Path}:v1", $"oci-archive:{archive}:v2");
        Assert.Equal(image.Manifest.Digest.ToString(), copied.Trim());
        await Hyperbuild.RunCheckedAsync("copy", "-q", $"oci-archive:{archive}:v2", $"docker-archive:{dockerArchive}:example.com/chain:v3");
        await Hyperbuild.RunCheckedAsync("copy", "-q", $"docker-archive:{dockerArchive}", $"oci:{back}:v4");

        var fromArchive = await OciArchive.ExtractAsync(archive, _work.Combine("unpacked"));

        Assert.Equal(image.Manifest.Digest, (await fromArchive.ResolveAsync("v2")).Digest);

        // Docker archives keep layers uncompressed, so the manifest is new; the image ID and diff IDs are not.
        var layout = await OciLayout.OpenAsync(back);
        var roundTrip = await layout.ResolveAsync("v4");
        Assert.NotEqual(image.Manifest.Digest, roundTrip.Digest);
        Assert.Equal(image.ConfigDescriptor.Digest, roundTrip.Image!.Config.Digest);
        var config = ImageConfig.Parse(await layout.ReadBlobAsync(roundTrip.Image.Config));
        Assert.Equal(image.DiffIds, config.RootFs.DiffIds);
        Assert.Equal(image.DiffIds, roundTrip.Image.Layers.Select(l => l.Digest));
        var images = await DockerArchive.ReadImagesAsync(dockerArchive);
        Assert.Equal(["example.com/chain:v3"], Assert.Single(images).RepoTags!);
    }

    [Fact]
    public async Task Skopeo_reads_the_archives_hyperbuild_writes()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: "interop");
        var archive = _work.Combine("image.tar");
        var dockerArchive = _work.Combine("docker.tar");
        await Hyperbuild.RunCheckedAsync("copy", "-q", $"oci:{source.Path}:v1", $"oci-archive:{archive}:v1");
        await Hyperbuild.RunCheckedAsync("copy", "-q", $"oci:{source.Path}:v1", $"docker-archive:{dockerArchive}:interop:v1");

        var fromOciArchive = await ExternalProcess.RunCheckedAsync("skopeo", "inspect", "--raw", $"oci-archive:{archive}:v1");
        Assert.Equal(image.Manifest.Bytes.ToArray(), System.Text.Encoding.UTF8.GetBytes(fromOciArchive.StandardOutput));
        var fromDockerArchive = await ExternalProcess.RunCheckedAsync("skopeo", "inspect", "--config", $"docker-archive:{dockerArchive}");
        using var config = JsonDocument.Parse(fromDockerArchive.StandardOutput);
        Assert.Equal(
            image.DiffIds.Select(d => d.ToString()),
            config.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task An_index_is_copied_whole_with_all_and_one_platform_is_chosen_without()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var index = await MultiPlatformImage.WriteAsync(source, Platform.Parse("linux/amd64"), Platform.Parse("linux/arm64"));
        await source.AddManifestAsync(index, "multi");

        await Hyperbuild.RunCheckedAsync("copy", "-q", "--all", $"oci:{source.Path}:multi", $"oci:{_work.Combine("whole")}:multi");
        await Hyperbuild.RunCheckedAsync("copy", "-q", "--platform", "linux/arm64", $"oci:{source.Path}:multi", $"oci:{_work.Combine("arm")}:arm");
        var (exitCode, _, error) = await Hyperbuild.RunAsync("copy", "-q", "--all", $"oci:{source.Path}:multi", $"docker-archive:{_work.Combine("d.tar")}");
        var (missingCode, _, missing) = await Hyperbuild.RunAsync("copy", "-q", "--platform", "linux/s390x", $"oci:{source.Path}:multi", $"oci:{_work.Combine("none")}");

        Assert.Equal(index.Digest, (await (await OciLayout.OpenAsync(_work.Combine("whole"))).ResolveAsync("multi")).Digest);
        var arm = await OciLayout.OpenAsync(_work.Combine("arm"));
        var chosen = await arm.ResolveAsync("arm");
        Assert.Equal(index.Index!.Manifests[1].Digest, chosen.Digest);
        Assert.Equal("linux/arm64", (await arm.ReadIndexAsync()).Manifests.Single().Platform?.ToString());
        Assert.Equal(1, exitCode);
        Assert.StartsWith("hyperbuild: ", error, StringComparison.Ordinal);
        Assert.Contains("--platform", error, StringComparison.Ordinal);
        Assert.Equal(1, missingCode);
        Assert.Contains("linux/amd64, linux/arm64", missing, StringComparison.Ordinal);
        Assert.False(File.Exists(_work.Combine("d.tar")));
    }

    [Theory]
    [InlineData("oci:")]
    [InlineData("docker://UPPER/case")]
    [InlineData("oci-archive:/x:bad tag")]
    public async Task A_bad_location_is_one_line_and_exit_1(string location)
    {
        var (exitCode, output, error) = await Hyperbuild.RunAsync("copy", location, $"oci:{_work.Combine("out")}");

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.StartsWith("hyperbuild: ", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task An_unknown_tag_in_a_layout_is_one_line_and_exit_1()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        await TestImages.WriteAsync(source, "v1");

        var (exitCode, _, error) = await Hyperbuild.RunAsync("copy", $"oci:{source.Path}:nope", $"oci:{_work.Combine("out")}");

        Assert.Equal(1, exitCode);
        Assert.StartsWith($"hyperbuild: no image is tagged 'nope' in the OCI layout at '{source.Path}'", error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(_work.Combine("out")));
    }

    [Fact]
    public async Task Plain_progress_prints_one_line_per_event()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1");

        var (exitCode, _, error) = await Hyperbuild.RunAsync("copy", "--progress", "plain", $"oci:{source.Path}:v1", $"oci:{_work.Combine("out")}:v1");

        Assert.Equal(0, exitCode);
        var lines = error.TrimEnd().Split('\n');
        foreach (var layer in image.Layers)
        {
            Assert.Contains($"layer {layer.Digest.Encoded[..12]} waiting", lines);
            Assert.Contains(lines, l => l.StartsWith($"layer {layer.Digest.Encoded[..12]} done", StringComparison.Ordinal));
        }
    }
}
