using System.Text.Json;

using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Registry.Tests.Interop;

/// <summary>Real clients (skopeo, podman) against a real hyperregistry listening on 127.0.0.1.</summary>
public sealed class ClientInteropTests(RegistryFixture fixture) : IClassFixture<RegistryFixture>
{
    private RunningRegistry Registry => fixture.Registry;

    [Fact]
    public async Task Skopeo_copies_an_image_through_the_registry_with_identical_digests()
    {
        using var work = new TempDirectory();
        var source = await OciLayout.CreateAsync(work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: "through-registry");
        var remote = $"docker://{Registry.HostAndPort}/interop/skopeo:v1";

        await Skopeo("copy", "--dest-tls-verify=false", "--preserve-digests", $"oci:{source.Path}:v1", remote);
        await Skopeo("copy", "--src-tls-verify=false", "--preserve-digests", remote, $"oci:{work.Combine("back")}:v1");
        var inspected = await Skopeo("inspect", "--tls-verify=false", "--raw", remote);

        var back = await OciLayout.OpenAsync(work.Combine("back"));
        var pulled = await back.ResolveAsync("v1");
        Assert.Equal(image.Manifest.Digest, pulled.Digest);
        Assert.Equal(image.Manifest.Bytes.ToArray(), pulled.Bytes.ToArray());
        Assert.Equal(image.Manifest.Digest, Digest.Compute(System.Text.Encoding.UTF8.GetBytes(inspected.StandardOutput)));
        foreach (var layer in image.Layers)
        {
            await back.VerifyBlobAsync(layer.Digest);
        }
    }

    [Fact]
    public async Task Skopeo_lists_the_tags_it_pushed()
    {
        using var work = new TempDirectory();
        var source = await OciLayout.CreateAsync(work.Combine("source"));
        await TestImages.WriteAsync(source, "v1", name: "tags");
        foreach (var tag in new[] { "a", "b" })
        {
            await Skopeo("copy", "--dest-tls-verify=false", $"oci:{source.Path}:v1", $"docker://{Registry.HostAndPort}/interop/tags:{tag}");
        }

        var listed = await Skopeo("list-tags", "--tls-verify=false", $"docker://{Registry.HostAndPort}/interop/tags");

        using var json = JsonDocument.Parse(listed.StandardOutput);
        Assert.Equal(["a", "b"], json.RootElement.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Podman_pulls_an_image_pushed_by_skopeo()
    {
        using var work = new TempDirectory();
        var source = await OciLayout.CreateAsync(work.Combine("source"));
        var image = await TestImages.WriteAsync(source, "v1", name: "podman");
        var reference = $"{Registry.HostAndPort}/interop/podman:v1";
        await Skopeo("copy", "--dest-tls-verify=false", $"oci:{source.Path}:v1", $"docker://{reference}");

        // A private store, so the test neither needs nor touches the machine's podman storage.
        string[] storage = ["--root", work.Combine("podman-root"), "--runroot", work.Combine("podman-run"), "--storage-driver", "vfs"];
        await ExternalProcess.RunCheckedAsync("podman", [.. storage, "pull", "--tls-verify=false", reference]);
        var inspected = await ExternalProcess.RunCheckedAsync("podman", [.. storage, "image", "inspect", "--format", "{{.Digest}}", reference]);

        Assert.Equal(image.Manifest.Digest.ToString(), inspected.StandardOutput.Trim());
    }

    private static Task<ExternalProcess.Result> Skopeo(params string[] arguments) =>
        ExternalProcess.RunCheckedAsync("skopeo", ["--insecure-policy", .. arguments]);
}
