using Hyper.Oci.Layout;

namespace Hyper.EndToEnd.Tests;

/// <summary>
/// The base image the tests build on, made offline by hyperbuild itself from the host's static busybox:
/// <c>FROM scratch</c>, the binary, its applets as symlinks, and a minimal /etc/passwd and /etc/group.
/// Written once per test class to an OCI layout that builds name with
/// <c>--build-context busybox=oci-layout://DIR:TAG</c>, so <c>FROM busybox</c> never touches a registry.
/// </summary>
public sealed class BusyboxBaseImage : IAsyncLifetime
{
    public const string Tag = "e2e";

    /// <summary>The base's CMD, which a child's ENTRYPOINT must reset.</summary>
    public static readonly IReadOnlyList<string> Command = ["/bin/sh"];

    private const string HostBusybox = "/bin/busybox";

    private const string Dockerfile = """
        FROM scratch
        COPY busybox /bin/busybox
        RUN ["/bin/busybox", "--install", "-s", "/bin"]
        RUN ["/bin/busybox", "sh", "-c", "mkdir -p /etc /tmp /root && chmod 1777 /tmp && printf 'root:x:0:0:root:/root:/bin/sh\\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\\n' > /etc/passwd && printf 'root:x:0:\\nnogroup:x:65534:\\n' > /etc/group"]
        CMD ["/bin/sh"]
        """;

    private readonly TempDirectory _directory = new();

    /// <summary>The OCI layout holding the base image under <see cref="Tag"/>.</summary>
    public string LayoutDirectory => _directory.Combine("layout");

    /// <summary>The <c>--build-context</c> value that makes <c>FROM busybox</c> this image.</summary>
    public string BuildContext => $"busybox=oci-layout://{LayoutDirectory}:{Tag}";

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(HostBusybox), $"{HostBusybox} is missing: apt-get install busybox-static");
        var context = Directory.CreateDirectory(_directory.Combine("context")).FullName;
        File.Copy(HostBusybox, Path.Combine(context, "busybox"));
        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), Dockerfile);

        var result = await Hyperbuild.RunAsync(
            "--root", _directory.Combine("root"), "build", "--progress", "plain", "-o", $"type=oci,dest={LayoutDirectory}", "-t", $"busybox:{Tag}", context);
        Assert.True(result.Succeeded, $"building the busybox base image failed: {result}");
    }

    public async Task<Manifest> ReadManifestAsync()
    {
        var layout = await OciLayout.OpenAsync(LayoutDirectory);
        return await layout.ResolveAsync(Tag);
    }

    public async Task<ImageConfig> ReadConfigAsync()
    {
        var layout = await OciLayout.OpenAsync(LayoutDirectory);
        var manifest = await layout.ResolveAsync(Tag);
        return ImageConfig.Parse(await layout.ReadBlobAsync(manifest.Image!.Config));
    }

    public Task DisposeAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
