using System.Text.Json;

using Hyper.Oci;
using Hyper.Oci.Layout;
using Hyper.Testing;
using Hyper.Testing.Registry;

namespace Hyper.Cli.Tests.Commands;

/// <summary><c>hyperbuild copy</c> to registries, <c>hyperbuild push</c> and <c>build --push</c>, against real hyperregistries on 127.0.0.1.</summary>
public sealed class PushCommandTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>, IDisposable
{
    private readonly TempDirectory _work = new();

    private string Registry => fixture.Registry.HostAndPort;

    public void Dispose() => _work.Dispose();

    [Fact]
    public async Task Copy_within_one_registry_mounts_every_blob_and_uploads_nothing()
    {
        var image = await fixture.Registry.PushTestImageAsync(_work.Path, "mount/origin", "v1");
        await using var proxy = await FaultInjectingProxy.StartAsync(fixture.Registry);

        await Hyperbuild.RunCheckedAsync("copy", "-q", $"docker://{proxy.HostAndPort}/mount/origin:v1", $"docker://{proxy.HostAndPort}/mount/target:v1");

        var requests = (await proxy.SettledRequestsAsync()).ToList();
        var mounts = requests.Where(r => r.Method == "POST" && r.Target.Contains("mount=", StringComparison.Ordinal)).ToList();
        Assert.Equal(image.Manifest.Blobs.Count(), mounts.Count);
        Assert.All(mounts, m => Assert.Equal(201, m.Status));
        Assert.DoesNotContain(requests, r => r.Method is "PATCH" || (r.Method == "PUT" && r.Target.Contains("/blobs/uploads/", StringComparison.Ordinal)));
        Assert.DoesNotContain(requests, r => r.Method == "GET" && r.Target.Contains("/blobs/", StringComparison.Ordinal));
        var copied = await fixture.Registry.Client.GetByteArrayAsync("/v2/mount/target/manifests/v1");
        Assert.Equal(image.Manifest.Bytes.ToArray(), copied);
    }

    [Fact]
    public async Task Copy_between_registries_streams_and_keeps_the_digest()
    {
        var image = await fixture.Registry.PushTestImageAsync(_work.Path, "stream/origin", "v1");
        await using var other = await RunningRegistry.StartAsync();

        var digest = await Hyperbuild.RunCheckedAsync("copy", "-q", $"docker://{Registry}/stream/origin:v1", $"docker://{other.HostAndPort}/stream/copy:v2");

        Assert.Equal(image.Manifest.Digest.ToString(), digest.Trim());
        Assert.Equal(image.Manifest.Bytes.ToArray(), await other.Client.GetByteArrayAsync("/v2/stream/copy/manifests/v2"));
    }

    [Fact]
    public async Task Copy_from_a_layout_to_a_registry_is_what_skopeo_then_reads()
    {
        var source = await OciLayout.CreateAsync(_work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: "layout-push");
        var index = await MultiPlatformImage.WriteAsync(source, Platform.Parse("linux/amd64"), Platform.Parse("linux/arm64"));
        await source.AddManifestAsync(index, "multi");

        await Hyperbuild.RunCheckedAsync("copy", "-q", $"oci:{source.Path}:v1", $"docker://{Registry}/layout/push:v1");
        await Hyperbuild.RunCheckedAsync("copy", "-q", "--all", $"oci:{source.Path}:multi", $"docker://{Registry}/layout/push:multi");

        var skopeo = await ExternalProcess.RunCheckedAsync("skopeo", "inspect", "--tls-verify=false", $"docker://{Registry}/layout/push:v1");
        using var json = JsonDocument.Parse(skopeo.StandardOutput);
        Assert.Equal(image.Manifest.Digest.ToString(), json.RootElement.GetProperty("Digest").GetString());
        Assert.Equal(image.Layers.Select(l => l.Digest.ToString()), json.RootElement.GetProperty("Layers").EnumerateArray().Select(e => e.GetString()));
        var raw = await ExternalProcess.RunCheckedAsync("skopeo", "inspect", "--raw", "--tls-verify=false", $"docker://{Registry}/layout/push:multi");
        Assert.Equal(index.Bytes.ToArray(), System.Text.Encoding.UTF8.GetBytes(raw.StandardOutput));
    }

    [Fact]
    public async Task Push_sends_a_stored_image_to_its_name_or_to_a_destination()
    {
        var image = await fixture.Registry.PushTestImageAsync(_work.Path, "store/origin", "v1");
        var root = _work.Combine("root");
        await Hyperbuild.RunCheckedAsync("--root", root, "pull", "-q", $"{Registry}/store/origin:v1");

        await Hyperbuild.RunCheckedAsync("--root", root, "push", "-q", $"{Registry}/store/origin:v1", $"docker://{Registry}/store/elsewhere:v2");
        await Hyperbuild.RunCheckedAsync("--root", root, "push", "-q", $"{Registry}/store/origin:v1", $"oci:{_work.Combine("layout")}:v3");
        var (missingCode, _, missing) = await Hyperbuild.RunAsync("--root", root, "push", $"{Registry}/store/never:v1");

        Assert.Equal(image.Manifest.Bytes.ToArray(), await fixture.Registry.Client.GetByteArrayAsync("/v2/store/elsewhere/manifests/v2"));
        Assert.Equal(image.Manifest.Digest, (await (await OciLayout.OpenAsync(_work.Combine("layout"))).ResolveAsync("v3")).Digest);
        Assert.Equal(1, missingCode);
        Assert.StartsWith("hyperbuild: no such image in the local store", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_push_sends_the_built_image_to_every_name()
    {
        var context = _work.Combine("context");
        Directory.CreateDirectory(context);
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
        await File.WriteAllTextAsync(Path.Combine(context, "hello.txt"), "hello\n");

        await Hyperbuild.RunCheckedAsync(
            "--root", _work.Combine("root"), "build", "--progress", "plain", "--push",
            "-t", $"{Registry}/built/app:v1", "-t", $"{Registry}/built/other:v2", context);
        var (noNameCode, _, noName) = await Hyperbuild.RunAsync("--root", _work.Combine("root"), "build", "--push", context);

        var first = await fixture.Registry.Client.GetByteArrayAsync("/v2/built/app/manifests/v1");
        var second = await fixture.Registry.Client.GetByteArrayAsync("/v2/built/other/manifests/v2");
        Assert.Equal(first, second);
        var inspected = await Hyperbuild.RunCheckedAsync("inspect", $"{Registry}/built/app:v1");
        using var json = JsonDocument.Parse(inspected);
        Assert.Single(json.RootElement.GetProperty("Layers").EnumerateArray());
        Assert.Equal(2, noNameCode);
        Assert.Contains("-t", noName, StringComparison.Ordinal);
    }
}
