using Hyper.Build.Images;

namespace Hyper.EndToEnd.Tests;

/// <summary>
/// One test's build: a context directory to write a Dockerfile and files into, and a hyperbuild --root of
/// its own. Every build it runs is checked for leftover overlay mounts, after success and after failure.
/// </summary>
public sealed class BuildWorkspace : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly BusyboxBaseImage _busybox;

    public BuildWorkspace(BusyboxBaseImage busybox)
    {
        _busybox = busybox;
        Directory.CreateDirectory(Context);
    }

    public string Context => _directory.Combine("context");

    /// <summary>hyperbuild's --root: image store, snapshots, runtime state.</summary>
    public string Root => _directory.Combine("root");

    /// <summary>A path in the workspace outside the context and the root, for outputs.</summary>
    public string Combine(params string[] parts) => _directory.Combine(parts);

    public void WriteDockerfile(string text) => WriteFile("Dockerfile", text);

    public void WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Context, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>
    /// <c>hyperbuild --root ROOT build --progress plain --build-context busybox=… OPTIONS CONTEXT</c>; fails the
    /// test if the build leaves anything mounted under the root.
    /// </summary>
    public Task<HyperbuildResult> BuildAsync(params string[] options) => BuildAsync(options, CancellationToken.None);

    /// <summary>A build that <paramref name="cancellationToken"/> may interrupt, as Ctrl-C does.</summary>
    public async Task<HyperbuildResult> BuildAsync(string[] options, CancellationToken cancellationToken)
    {
        var result = await Hyperbuild.RunAsync(
            ["--root", Root, "build", "--progress", "plain", "--build-context", _busybox.BuildContext, .. options, Context],
            cancellationToken);
        var mounts = MountTable.MountPointsUnder(Root);
        Assert.True(mounts.Count == 0, $"the build left mounts behind: {string.Join(", ", mounts)}\n{result}");

        // Step snapshots, container bundles and runc's container state live only as long as their step.
        foreach (var scratch in new[] { "snapshots/active", "run/bundles", "run/state" })
        {
            var directory = Path.Combine(Root, scratch);
            var leftovers = Directory.Exists(directory) ? Directory.GetFileSystemEntries(directory) : [];
            Assert.True(leftovers.Length == 0, $"the build left {string.Join(", ", leftovers)} behind\n{result}");
        }

        return result;
    }

    /// <summary>A build that must succeed; its progress output is returned for checks on RUN output.</summary>
    public async Task<HyperbuildResult> BuildSucceedsAsync(params string[] options)
    {
        var result = await BuildAsync(options);
        Assert.True(result.Succeeded, $"the build failed: {result}");
        return result;
    }

    /// <summary>The image named <paramref name="name"/> in the local image store.</summary>
    public async Task<BuiltImage> ReadImageAsync(string name)
    {
        var store = await ImageStore.OpenAsync(Path.Combine(Root, "images"));
        var image = await store.FindAsync(name) ?? throw new InvalidOperationException($"no image {name} in the store under {Root}");
        return new BuiltImage(image.Manifest, image.Config, store.Layout);
    }

    /// <summary>Builds and writes the image's root filesystem to a directory (<c>-o type=local</c>), which it returns.</summary>
    public async Task<string> BuildRootFileSystemAsync(params string[] options)
    {
        var destination = Combine($"rootfs-{Guid.NewGuid():N}");
        await BuildSucceedsAsync([.. options, "-o", $"type=local,dest={destination}"]);
        return destination;
    }

    public void Dispose()
    {
        MountTable.UnmountEverythingUnder(_directory.Path);
        _directory.Dispose();
    }
}
