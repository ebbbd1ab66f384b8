using System.Text.Json;

using Hyper.Build.Images;
using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Build.Tests.Images;

/// <summary>Every output format, read back by the real tools that consume it (skopeo, umoci).</summary>
public sealed class ImageExporterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task An_oci_directory_holds_the_image_under_each_tag_of_its_names()
    {
        var (store, image) = await StoreWithImageAsync();
        var destination = _temp.Combine("out");

        await ImageExporter.ExportAsync(store, image.Manifest, new ImageOutput(OutputType.Oci, destination),
            [Reference.Parse("example.com/app:1.0"), Reference.Parse("app:stable")], CancellationToken.None);

        var layout = await OciLayout.OpenAsync(destination);
        Assert.Equal(["1.0", "stable"], (await layout.ReadIndexAsync()).Manifests.Select(d => d.RefName));
        var inspected = await SkopeoInspectAsync($"oci:{destination}:1.0");
        Assert.Equal(image.Manifest.Digest.ToString(), inspected.GetProperty("Digest").GetString());
        Assert.Equal(image.Layers.Select(l => l.Digest.ToString()), inspected.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()));
        var tags = await ExternalProcess.RunCheckedAsync("umoci", "ls", "--layout", destination);
        Assert.Equal(["1.0", "stable"], tags.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_oci_directory_of_an_unnamed_image_tags_it_latest()
    {
        var (store, image) = await StoreWithImageAsync();
        var destination = _temp.Combine("out");

        await ImageExporter.ExportAsync(store, image.Manifest, new ImageOutput(OutputType.Oci, destination), [], CancellationToken.None);

        var inspected = await SkopeoInspectAsync($"oci:{destination}:latest");
        Assert.Equal(image.Manifest.Digest.ToString(), inspected.GetProperty("Digest").GetString());
    }

    [Fact]
    public async Task An_oci_tar_is_read_by_skopeo_and_leaves_no_staging_directory()
    {
        var (store, image) = await StoreWithImageAsync();
        var destination = _temp.Combine("exports", "image.tar");
        Directory.CreateDirectory(_temp.Combine("exports"));

        await ImageExporter.ExportAsync(store, image.Manifest, new ImageOutput(OutputType.Oci, destination),
            [Reference.Parse("app:1")], CancellationToken.None);

        var inspected = await SkopeoInspectAsync($"oci-archive:{destination}:1");
        Assert.Equal(image.Manifest.Digest.ToString(), inspected.GetProperty("Digest").GetString());
        Assert.Equal(["image.tar"], Directory.EnumerateFileSystemEntries(_temp.Combine("exports")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_docker_tar_is_read_by_skopeo_with_familiar_repo_tags()
    {
        var (store, image) = await StoreWithImageAsync();
        var destination = _temp.Combine("image.tar");

        await ImageExporter.ExportAsync(store, image.Manifest, new ImageOutput(OutputType.Docker, destination),
            [Reference.Parse("app:1"), Reference.Parse("127.0.0.1:5000/team/app:2")], CancellationToken.None);

        var inspected = await SkopeoInspectAsync($"docker-archive:{destination}");
        // A docker archive stores uncompressed layers, named by their diff IDs.
        Assert.Equal(image.DiffIds.Select(d => d.ToString()), inspected.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("app", inspected.GetProperty("Labels").GetProperty("org.example.name").GetString());
        var archived = Assert.Single(await DockerArchive.ReadImagesAsync(destination));
        Assert.Equal(["app:1", "127.0.0.1:5000/team/app:2"], archived.RepoTags);
        await ExternalProcess.RunCheckedAsync("skopeo", "inspect", $"docker-archive:{destination}:127.0.0.1:5000/team/app:2");
    }

    [Fact]
    public async Task A_local_directory_gets_the_root_filesystem_with_whiteouts_applied()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var manifest = await WriteImageAsync(store.Layout,
            TestImages.LayerTar(
                ("etc/", null), ("etc/config", "v1"), ("etc/removed", "gone soon"),
                ("cache/", null), ("cache/old", "stale"), ("bin/", null), ("bin/tool.sh", "#!/bin/sh\n")),
            TestImages.LayerTar(
                ("etc/", null), ("etc/config", "v2"), ("etc/.wh.removed", string.Empty),
                ("cache/", null), ("cache/.wh..wh..opq", string.Empty), ("cache/new", "fresh")));
        var destination = _temp.Combine("rootfs");

        await ImageExporter.ExportAsync(store, manifest, new ImageOutput(OutputType.Local, destination), [], CancellationToken.None);

        Assert.Equal("v2", await File.ReadAllTextAsync(Path.Combine(destination, "etc/config")));
        Assert.False(File.Exists(Path.Combine(destination, "etc/removed")));
        Assert.Equal(["new"], Directory.EnumerateFileSystemEntries(Path.Combine(destination, "cache")).Select(Path.GetFileName));
        Assert.Equal("#!/bin/sh\n", await File.ReadAllTextAsync(Path.Combine(destination, "bin/tool.sh")));
        Assert.True(File.GetUnixFileMode(Path.Combine(destination, "bin/tool.sh")).HasFlag(UnixFileMode.UserExecute));
        Assert.Empty(Directory.EnumerateFileSystemEntries(destination, ".wh.*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Only_oci_docker_and_local_outputs_are_written()
    {
        var (store, image) = await StoreWithImageAsync();

        await Assert.ThrowsAsync<NotSupportedException>(() => ImageExporter.ExportAsync(
            store, image.Manifest, new ImageOutput(OutputType.Registry, _temp.Combine("x")), [], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => ImageExporter.ExportAsync(
            store, image.Manifest, new ImageOutput(OutputType.Registry, null), [], CancellationToken.None));
    }

    private async Task<(ImageStore Store, TestImage Image)> StoreWithImageAsync()
    {
        var store = await ImageStore.OpenAsync(_temp.Combine("store"));
        var image = await TestImages.WriteAsync(store.Layout, tag: null);
        return (store, image);
    }

    private static async Task<Manifest> WriteImageAsync(OciLayout layout, params byte[][] tars)
    {
        var layers = new List<Descriptor>();
        foreach (var tar in tars)
        {
            layers.Add(await layout.WriteBlobAsync(TestImages.Compress(tar, LayerCompression.Gzip), MediaTypes.OciLayerGzip));
        }

        var config = await layout.WriteBlobAsync(TestImages.Config(tars.Select(t => Digest.Compute(t)).ToList()).ToJson(), MediaTypes.OciConfig);
        var manifest = Manifest.Create(new ImageManifest { Config = config, Layers = layers });
        await layout.AddManifestAsync(manifest);
        return manifest;
    }

    private static async Task<JsonElement> SkopeoInspectAsync(string image)
    {
        var result = await ExternalProcess.RunCheckedAsync("skopeo", "inspect", image);
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.Clone();
    }
}
