using System.Text;

using Hyper.Oci.Layout;

namespace Hyper.Oci.Tests.Layout;

/// <summary>What we write, read by skopeo and umoci; what they write, read by us. The tools run for real.</summary>
public sealed class LayoutInteropTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Skopeo_copies_our_layout_to_another_layout_keeping_the_manifest_digest()
    {
        var ours = await OciLayout.CreateAsync(_temp.Combine("ours"));
        var image = await TestImages.WriteAsync(ours, "latest");
        await TestImages.WriteAsync(ours, "v2", name: "second", compression: LayerCompression.Zstd);

        await Skopeo("copy", "--preserve-digests", $"oci:{ours.Path}:latest", $"oci:{_temp.Combine("theirs")}:latest");

        // Read what skopeo wrote with our own reader: same tag, same bytes.
        var theirs = await OciLayout.OpenAsync(_temp.Combine("theirs"));
        var entry = Assert.Single((await theirs.ReadIndexAsync()).Manifests);
        Assert.Equal(image.Manifest.Digest, entry.Digest);
        Assert.Equal("latest", entry.RefName);
        Assert.Equal(image.Manifest.Bytes.ToArray(), (await theirs.ResolveAsync("latest")).Bytes.ToArray());
    }

    [Fact]
    public async Task Skopeo_inspect_shows_our_manifest_and_config_bytes()
    {
        var ours = await OciLayout.CreateAsync(_temp.Combine("ours"));
        var image = await TestImages.WriteAsync(ours, "latest");

        var manifest = await Skopeo("inspect", "--raw", $"oci:{ours.Path}:latest");
        var config = await Skopeo("inspect", "--config", "--raw", $"oci:{ours.Path}:latest");

        Assert.Equal(Encoding.UTF8.GetString(image.Manifest.Bytes.Span), manifest.StandardOutput.TrimEnd('\n'));
        Assert.Equal(Encoding.UTF8.GetString(image.ConfigBytes), config.StandardOutput.TrimEnd('\n'));
    }

    [Fact]
    public async Task Skopeo_finds_an_image_tagged_with_a_full_reference()
    {
        var ours = await OciLayout.CreateAsync(_temp.Combine("ours"));
        var image = await TestImages.WriteAsync(ours, "example.com/team/app:1.0");

        var manifest = await Skopeo("inspect", "--raw", $"oci:{ours.Path}:example.com/team/app:1.0");

        Assert.Equal(Encoding.UTF8.GetString(image.Manifest.Bytes.Span), manifest.StandardOutput.TrimEnd('\n'));
    }

    [Fact]
    public async Task Umoci_lists_our_tags_and_unpacks_our_layers()
    {
        var ours = await OciLayout.CreateAsync(_temp.Combine("ours"));
        await TestImages.WriteAsync(ours, "latest", name: "first");
        await TestImages.WriteAsync(ours, "v2", name: "second", compression: LayerCompression.None);

        var listed = await ExternalProcess.RunCheckedAsync("umoci", "ls", "--layout", ours.Path);
        // umoci 0.4 cannot unpack zstd layers, so the images here are gzip and plain tar.
        await ExternalProcess.RunCheckedAsync("umoci", "unpack", "--rootless", "--image", $"{ours.Path}:v2", _temp.Combine("bundle"));

        Assert.Equal(["latest", "v2"], listed.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Equal("second\n", await File.ReadAllTextAsync(_temp.Combine("bundle", "rootfs", "app", "name.txt")));
        Assert.Equal("ID=hyper-test\n", await File.ReadAllTextAsync(_temp.Combine("bundle", "rootfs", "etc", "os-release")));
    }

    [Fact]
    public async Task Skopeo_reads_our_oci_archive()
    {
        var ours = await OciLayout.CreateAsync(_temp.Combine("ours"));
        await TestImages.WriteAsync(ours, "latest");
        var second = await TestImages.WriteAsync(ours, "v2", name: "second");
        await OciArchive.WriteAsync(ours, _temp.Combine("ours.tar"));

        await Skopeo("copy", "--preserve-digests", $"oci-archive:{_temp.Combine("ours.tar")}:v2", $"oci:{_temp.Combine("copy")}:v2");

        var copy = await OciLayout.OpenAsync(_temp.Combine("copy"));
        Assert.Equal(second.Manifest.Digest, (await copy.ResolveAsync("v2")).Digest);
    }

    [Fact]
    public async Task We_read_an_oci_archive_written_by_skopeo()
    {
        var ours = await OciLayout.CreateAsync(_temp.Combine("ours"));
        var image = await TestImages.WriteAsync(ours, "latest");

        await Skopeo("copy", "--preserve-digests", $"oci:{ours.Path}:latest", $"oci-archive:{_temp.Combine("theirs.tar")}:release");
        var unpacked = await OciArchive.ExtractAsync(_temp.Combine("theirs.tar"), _temp.Combine("unpacked"));

        Assert.Equal(image.Manifest.Bytes.ToArray(), (await unpacked.ResolveAsync("release")).Bytes.ToArray());
        Assert.Equal(ours.ListBlobs(), unpacked.ListBlobs());
    }

    [Fact]
    public async Task Skopeo_reads_our_docker_archive_with_the_same_config_and_diff_ids()
    {
        var ours = await OciLayout.CreateAsync(_temp.Combine("ours"));
        var image = await TestImages.WriteAsync(ours, "latest", compression: LayerCompression.Zstd);
        await DockerArchive.WriteAsync(ours, image.Manifest, ["example.com/app:1.0"], _temp.Combine("docker.tar"));

        await Skopeo("copy", $"docker-archive:{_temp.Combine("docker.tar")}", $"oci:{_temp.Combine("copy")}:imported");
        await Skopeo("copy", $"docker-archive:{_temp.Combine("docker.tar")}:example.com/app:1.0", $"oci:{_temp.Combine("copy")}:by-tag");

        var copy = await OciLayout.OpenAsync(_temp.Combine("copy"));
        var imported = await copy.ResolveAsync("imported");
        Assert.Equal(image.ConfigDescriptor.Digest, imported.Image!.Config.Digest);
        var config = ImageConfig.Parse(await copy.ReadBlobAsync(imported.Image.Config));
        Assert.Equal(image.DiffIds, config.RootFs.DiffIds);
        Assert.Equal(imported.Digest, (await copy.ResolveAsync("by-tag")).Digest);
    }

    private static Task<ExternalProcess.Result> Skopeo(params string[] arguments) =>
        // The policy is not what these tests are about; do not depend on the machine's policy.json.
        ExternalProcess.RunCheckedAsync("skopeo", ["--insecure-policy", .. arguments]);
}
