using System.Text.Json;

using Hyper.Oci;
using Hyper.Oci.Layout;
using Hyper.Testing;
using Hyper.Testing.Registry;

namespace Hyper.Cli.Tests.Commands;

/// <summary><c>hyperbuild pull</c> and <c>hyperbuild inspect</c> against a real hyperregistry on 127.0.0.1.</summary>
public sealed class PullCommandTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>, IDisposable
{
    private readonly TempDirectory _work = new();

    private string Registry => fixture.Registry.HostAndPort;

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Pull_stores_the_image_under_its_name_and_inspect_describes_it()
    {
        var image = await fixture.Registry.PushTestImageAsync(_work.Path, "pull/app", "v1");
        var root = _work.Combine("root");

        var pulled = await Hyperbuild.RunCheckedAsync("--root", root, "pull", "--progress", "plain", $"{Registry}/pull/app:v1");
        var listed = await Hyperbuild.RunCheckedAsync("--root", root, "images");
        var inspected = await Hyperbuild.RunCheckedAsync("inspect", $"docker://{Registry}/pull/app:v1");

        Assert.Contains($"Digest: {image.Manifest.Digest}", pulled, StringComparison.Ordinal);
        Assert.Contains($"{Registry}/pull/app", listed, StringComparison.Ordinal);
        Assert.Contains(image.ConfigDescriptor.Digest.Encoded[..12], listed, StringComparison.Ordinal);
        var store = await OciLayout.OpenAsync(Path.Combine(root, "images"));
        Assert.Equal(image.Manifest.Digest, (await store.ResolveAsync($"{Registry}/pull/app:v1")).Digest);
        using var json = JsonDocument.Parse(inspected);
        var summary = json.RootElement;
        Assert.Equal($"{Registry}/pull/app", summary.GetProperty("Name").GetString());
        Assert.Equal(image.Manifest.Digest.ToString(), summary.GetProperty("Digest").GetString());
        Assert.Equal("amd64", summary.GetProperty("Architecture").GetString());
        Assert.Equal("linux", summary.GetProperty("Os").GetString());
        Assert.Equal("2024-01-02T03:04:05Z", summary.GetProperty("Created").GetString());
        Assert.Equal(image.Layers.Select(l => l.Digest.ToString()), summary.GetProperty("Layers").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(image.Config.Config!.Env, summary.GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Inspect_raw_prints_the_registry_bytes_and_config_the_config()
    {
        var image = await fixture.Registry.PushTestImageAsync(_work.Path, "inspect/raw", "v1");
        var registryBytes = await fixture.Registry.Client.GetByteArrayAsync($"/v2/inspect/raw/manifests/v1");

        var raw = await Hyperbuild.RunCheckedAsync("inspect", "--raw", $"{Registry}/inspect/raw:v1");
        var config = await Hyperbuild.RunCheckedAsync("inspect", "--config", "--raw", $"{Registry}/inspect/raw:v1");

        Assert.Equal(registryBytes, System.Text.Encoding.UTF8.GetBytes(raw));
        Assert.Equal(image.ConfigBytes, System.Text.Encoding.UTF8.GetBytes(config));
    }

    [Fact]
    public async Task Inspect_of_an_index_reports_its_digest_and_the_chosen_platform()
    {
        var layout = await OciLayout.CreateAsync(_work.Combine("multi"));
        var index = await MultiPlatformImage.WriteAsync(layout, Platform.Parse("linux/amd64"), Platform.Parse("linux/arm64"));
        await fixture.Registry.PushAsync(layout, index, "inspect/multi", "v1");

        var inspected = await Hyperbuild.RunCheckedAsync("inspect", "--platform", "linux/arm64", $"{Registry}/inspect/multi:v1");

        using var json = JsonDocument.Parse(inspected);
        Assert.Equal(index.Digest.ToString(), json.RootElement.GetProperty("Digest").GetString());
        Assert.Equal("arm64", json.RootElement.GetProperty("Architecture").GetString());
    }

    [Fact]
    public async Task Pull_of_an_index_stores_the_image_for_the_platform_asked_for()
    {
        var layout = await OciLayout.CreateAsync(_work.Combine("multi"));
        var index = await MultiPlatformImage.WriteAsync(layout, Platform.Parse("linux/amd64"), Platform.Parse("linux/arm64"));
        await fixture.Registry.PushAsync(layout, index, "pull/multi", "v1");
        var root = _work.Combine("root");

        await Hyperbuild.RunCheckedAsync("--root", root, "pull", "-q", "--platform", "linux/arm64", $"{Registry}/pull/multi:v1");
        var rootfs = _work.Combine("rootfs");
        await Hyperbuild.RunCheckedAsync("pull", "-q", "--rootfs", rootfs, $"{Registry}/pull/multi:v1");

        var store = await OciLayout.OpenAsync(Path.Combine(root, "images"));
        var stored = Assert.Single((await store.ReadIndexAsync()).Manifests);
        Assert.Equal(index.Index!.Manifests[1].Digest, stored.Digest);
        Assert.Equal("linux/arm64", stored.Platform?.ToString());
        // Without --platform, this machine's (the tests run on linux/amd64).
        Assert.Equal("linux/amd64", File.ReadAllText(Path.Combine(rootfs, "etc", "platform")));
    }

    [Fact]
    public async Task Pull_rootfs_applies_whiteouts_and_writes_nothing_else()
    {
        var layout = await OciLayout.CreateAsync(_work.Combine("source"));
        var manifest = await WriteImageAsync(
            layout,
            TestImages.LayerTar(
                ("etc/", null), ("etc/os-release", "ID=hyper\n"), ("app/", null), ("app/old.txt", "old"), ("app/keep.txt", "keep"),
                ("gone/", null), ("gone/x", "x")),
            TestImages.LayerTar(
                ("app/", null), ("app/.wh.old.txt", string.Empty), (".wh.gone", string.Empty), ("app/new.txt", "new"),
                ("etc/", null), ("etc/.wh..wh..opq", string.Empty), ("etc/fresh", "fresh")));
        await fixture.Registry.PushAsync(layout, manifest, "rootfs/whiteouts", "v1");
        var rootfs = _work.Combine("out", "rootfs");

        await Hyperbuild.RunCheckedAsync("pull", "-q", "--rootfs", rootfs, $"{Registry}/rootfs/whiteouts:v1");

        Assert.Equal("keep", File.ReadAllText(Path.Combine(rootfs, "app", "keep.txt")));
        Assert.Equal("new", File.ReadAllText(Path.Combine(rootfs, "app", "new.txt")));
        Assert.Equal("fresh", File.ReadAllText(Path.Combine(rootfs, "etc", "fresh")));
        Assert.False(File.Exists(Path.Combine(rootfs, "app", "old.txt")));
        Assert.False(File.Exists(Path.Combine(rootfs, "etc", "os-release")));
        Assert.False(Directory.Exists(Path.Combine(rootfs, "gone")));
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(rootfs, "*", SearchOption.AllDirectories), p => Path.GetFileName(p).StartsWith(".wh.", StringComparison.Ordinal));
        Assert.Equal(["rootfs"], Directory.EnumerateFileSystemEntries(_work.Combine("out")).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(LayerCompression.None)]
    [InlineData(LayerCompression.Zstd)]
    public async Task Pull_rootfs_unpacks_layers_of_every_compression_with_files_in_them(LayerCompression compression)
    {
        var layout = await OciLayout.CreateAsync(_work.Combine("source"));
        var manifest = await WriteImageAsync(
            layout,
            compression,
            TestImages.LayerTar(("etc/", null), ("etc/os-release", "ID=hyper\n"), ("bin/", null), ("bin/run.sh", "#!/bin/sh\necho hi\n")),
            TestImages.LayerTar(("app/", null), ("app/a.txt", new string('a', 5000)), ("app/b.txt", "b")));
        Assert.All(manifest.Image!.Layers, l => Assert.Equal(MediaTypes.LayerType(compression), l.MediaType));
        await fixture.Registry.PushAsync(layout, manifest, "rootfs/plain", "v1");
        var rootfs = _work.Combine("rootfs");

        await Hyperbuild.RunCheckedAsync("pull", "-q", "--rootfs", rootfs, $"{Registry}/rootfs/plain:v1");

        Assert.Equal("ID=hyper\n", File.ReadAllText(Path.Combine(rootfs, "etc", "os-release")));
        Assert.Equal("#!/bin/sh\necho hi\n", File.ReadAllText(Path.Combine(rootfs, "bin", "run.sh")));
        Assert.Equal(new string('a', 5000), File.ReadAllText(Path.Combine(rootfs, "app", "a.txt")));
        Assert.Equal("b", File.ReadAllText(Path.Combine(rootfs, "app", "b.txt")));
    }

    [Fact]
    public async Task Pull_rootfs_skips_device_nodes_with_a_warning_unless_devices_is_given()
    {
        var tar = new MemoryStream();
        await using (var writer = new System.Formats.Tar.TarWriter(tar, System.Formats.Tar.TarEntryFormat.Pax, leaveOpen: true))
        {
            await writer.WriteEntryAsync(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.Directory, "dev/") { Mode = (UnixFileMode)0x1ed });
            await writer.WriteEntryAsync(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.BlockDevice, "dev/vda") { DeviceMajor = 254, DeviceMinor = 0, Mode = (UnixFileMode)0x1b6 });
            await writer.WriteEntryAsync(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.CharacterDevice, "dev/mem") { DeviceMajor = 1, DeviceMinor = 1, Mode = (UnixFileMode)0x1b6 });
            await writer.WriteEntryAsync(new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "etc/os-release") { DataStream = new MemoryStream("ID=dev\n"u8.ToArray()) });
        }

        var layout = await OciLayout.CreateAsync(_work.Combine("source"));
        var manifest = await WriteImageAsync(layout, tar.ToArray());
        await fixture.Registry.PushAsync(layout, manifest, "rootfs/devices", "v1");
        var safe = _work.Combine("safe");
        var withDevices = _work.Combine("with-devices");

        var (exitCode, _, error) = await Hyperbuild.RunAsync("pull", "-q", "--rootfs", safe, $"{Registry}/rootfs/devices:v1");
        await Hyperbuild.RunCheckedAsync("pull", "-q", "--devices", "--rootfs", withDevices, $"{Registry}/rootfs/devices:v1");

        Assert.Equal(0, exitCode);
        Assert.Equal("hyperbuild: warning: skipped 2 device nodes (dev/vda, dev/mem); --devices creates them\n", error);
        Assert.Equal("ID=dev\n", File.ReadAllText(Path.Combine(safe, "etc", "os-release")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(safe, "dev")));
        var stat = await ExternalProcess.RunCheckedAsync("stat", "-c", "%F %Hr:%Lr %a", Path.Combine(withDevices, "dev", "vda"), Path.Combine(withDevices, "dev", "mem"));
        Assert.Equal("block special file 254:0 666\ncharacter special file 1:1 666\n", stat.StandardOutput);
    }

    [Fact]
    public async Task Pull_rootfs_refuses_a_layer_that_escapes_and_leaves_nothing()
    {
        var layout = await OciLayout.CreateAsync(_work.Combine("source"));
        var manifest = await WriteImageAsync(layout, TestImages.LayerTar(("ok.txt", "ok"), ("../escaped.txt", "escaped")));
        await fixture.Registry.PushAsync(layout, manifest, "rootfs/escape", "v1");
        var outside = _work.Combine("out");
        var rootfs = Path.Combine(outside, "rootfs");

        var (exitCode, _, error) = await Hyperbuild.RunAsync("pull", "-q", "--rootfs", rootfs, $"{Registry}/rootfs/escape:v1");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("hyperbuild: ", error, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Assert.False(File.Exists(_work.Combine("escaped.txt")));
    }

    [Fact]
    public async Task An_unknown_tag_or_repository_is_one_line_and_exit_1()
    {
        await fixture.Registry.PushTestImageAsync(_work.Path, "pull/known", "v1");

        var (tagCode, _, tagError) = await Hyperbuild.RunAsync("--root", _work.Combine("root"), "pull", $"{Registry}/pull/known:nope");
        var (inspectCode, _, inspectError) = await Hyperbuild.RunAsync("inspect", $"{Registry}/pull/unknown:v1");

        Assert.Equal(1, tagCode);
        Assert.StartsWith("hyperbuild: ", tagError, StringComparison.Ordinal);
        Assert.Contains("pull/known:nope", tagError, StringComparison.Ordinal);
        Assert.Single(tagError.TrimEnd().Split('\n'));
        Assert.Equal(1, inspectCode);
        Assert.Single(inspectError.TrimEnd().Split('\n'));
    }

    [Fact]
    public async Task Copy_from_a_registry_to_a_layout_keeps_the_digest_and_skopeo_agrees()
    {
        var image = await fixture.Registry.PushTestImageAsync(_work.Path, "copy/from", "v1");
        var destination = _work.Combine("layout");

        await Hyperbuild.RunCheckedAsync("copy", "-q", $"docker://{Registry}/copy/from:v1", $"oci:{destination}:v1");

        var layout = await OciLayout.OpenAsync(destination);
        Assert.Equal(image.Manifest.Digest, (await layout.ResolveAsync("v1")).Digest);
        var skopeo = await ExternalProcess.RunCheckedAsync("skopeo", "inspect", "--raw", $"oci:{destination}:v1");
        Assert.Equal(image.Manifest.Bytes.ToArray(), System.Text.Encoding.UTF8.GetBytes(skopeo.StandardOutput));
    }

    private static Task<Manifest> WriteImageAsync(OciLayout layout, params byte[][] tars) => WriteImageAsync(layout, LayerCompression.Gzip, tars);

    private static async Task<Manifest> WriteImageAsync(OciLayout layout, LayerCompression compression, params byte[][] tars)
    {
        var layers = new List<Descriptor>();
        foreach (var tar in tars)
        {
            layers.Add(await layout.WriteBlobAsync(TestImages.Compress(tar, compression), MediaTypes.LayerType(compression)));
        }

        var config = TestImages.Config(tars.Select(t => Digest.Compute(t)).ToList());
        var configDescriptor = await layout.WriteBlobAsync(config.ToJson(), MediaTypes.OciConfig);
        var manifest = Manifest.Create(new ImageManifest { Config = configDescriptor, Layers = layers });
        await layout.AddManifestAsync(manifest);
        return manifest;
    }
}
