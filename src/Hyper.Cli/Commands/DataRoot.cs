using System.CommandLine;

using Hyper.Build.Cache;
using Hyper.Build.Engine;
using Hyper.Build.Execution;
using Hyper.Build.Images;
using Hyper.Oci;

namespace Hyper.Cli.Commands;

/// <summary>
/// hyperbuild's state on this machine, under one directory (<c>--root</c>, <c>$HYPER_ROOT</c>, or
/// <c>/var/lib/hyperbuild</c>): the image store (<c>images/</c>, an OCI layout), unpacked layers and step
/// snapshots (<c>snapshots/</c>), container bundles and the runtime's state (<c>run/</c>).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class DataRoot : IDisposable
{
    private const string DefaultDirectory = "/var/lib/hyperbuild";

    private DataRoot(string directory, ImageStore images, SnapshotStore snapshots, ContainerLauncher containers)
    {
        Directory = directory;
        Images = images;
        Snapshots = snapshots;
        Containers = containers;
    }

    /// <summary>The <c>--root</c> option, given to every command that uses the store.</summary>
    public static Option<string?> Option { get; } = new("--root")
    {
        Description = "Where hyperbuild keeps images and layers (default: $HYPER_ROOT or /var/lib/hyperbuild)",
        Recursive = true,
    };

    /// <summary>The <c>--runtime</c> option: runc or crun, or a path.</summary>
    public static Option<string?> RuntimeOption { get; } = new("--runtime")
    {
        Description = "OCI runtime for RUN steps and hyperbuild run: runc, crun or a path (default: runc if installed, else crun)",
        Recursive = true,
    };

    private BuildCache? _cache;

    public string Directory { get; }

    public ImageStore Images { get; }

    public SnapshotStore Snapshots { get; }

    public ContainerLauncher Containers { get; }

    public HttpClient Http { get; } = new(new SocketsHttpHandler { AutomaticDecompression = System.Net.DecompressionMethods.None });

    public static async Task<DataRoot> OpenAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var directory = DirectoryOf(parse);
        var images = await ImageStore.OpenAsync(Path.Combine(directory, "images"), cancellationToken).ConfigureAwait(false);
        var snapshots = new SnapshotStore(Path.Combine(directory, "snapshots"));
        // Bundles hold the mounted root filesystems of running steps: owner-only, as the snapshots are.
        var run = PrivateDirectory.Ensure(Path.Combine(directory, "run"));
        var runtime = OciRuntime.Find(parse.GetValue(RuntimeOption), Path.Combine(run, "state"));
        return new DataRoot(directory, images, snapshots, new ContainerLauncher(runtime, Path.Combine(run, "bundles")));
    }

    /// <summary>
    /// Only the image store, for commands that move images and run nothing (pull, push): they work where no OCI
    /// runtime is installed.
    /// </summary>
    public static Task<ImageStore> OpenImagesAsync(ParseResult parse, CancellationToken cancellationToken) =>
        ImageStore.OpenAsync(Path.Combine(DirectoryOf(parse), "images"), cancellationToken);

    /// <summary>A builder over this root that gets base images from <paramref name="imageSource"/>.</summary>
    public Builder CreateBuilder(IImageSource imageSource) => new(Images, Snapshots, Containers, imageSource, Http, Cache);

    /// <summary>
    /// The lock builds, pulls and runs hold shared while they work: blobs and unpacked layers they are about to
    /// name are not referenced yet, so garbage collection (<see cref="LockForCollectionAsync"/>) must wait for them.
    /// </summary>
    public Task<AdvisoryLock> LockForUseAsync(CancellationToken cancellationToken) => AdvisoryLock.AcquireSharedAsync(LockPathOf(Directory), cancellationToken);

    /// <summary><see cref="LockForUseAsync(CancellationToken)"/> for commands that open only the image store (pull, push).</summary>
    public static Task<AdvisoryLock> LockForUseAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var directory = System.IO.Directory.CreateDirectory(DirectoryOf(parse)).FullName;
        return AdvisoryLock.AcquireSharedAsync(LockPathOf(directory), cancellationToken);
    }

    /// <summary>The exclusive lock rmi and prune hold while they delete: waits, saying so, while something else uses the root.</summary>
    public async Task<AdvisoryLock> LockForCollectionAsync(TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (AdvisoryLock.TryAcquireExclusive(LockPathOf(Directory)) is { } free)
        {
            return free;
        }

        error.WriteLine($"hyperbuild: waiting for the builds using {Directory} to finish");
        return await AdvisoryLock.AcquireExclusiveAsync(LockPathOf(Directory), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The exclusive lock, or null at once when anything uses the root: for collections that can wait for the next build.</summary>
    public AdvisoryLock? TryLockForCollection() => AdvisoryLock.TryAcquireExclusive(LockPathOf(Directory));

    private static string LockPathOf(string root) => Path.Combine(root, "lock");

    /// <summary>Where RUN --mount=type=cache directories are kept.</summary>
    public string CacheMountDirectory => Path.Combine(Directory, "cache");

    /// <summary>
    /// How many bytes of layers the build cache may keep before a build prunes the least recently used:
    /// <c>$HYPER_CACHE_LIMIT</c> (e.g. <c>20GB</c>), else 10% of the file system the root is on, BuildKit's default.
    /// </summary>
    public long CacheLimit => Environment.GetEnvironmentVariable("HYPER_CACHE_LIMIT") is { Length: > 0 } limit
        ? Output.ByteSize.Parse(limit)
        : new DriveInfo(Directory).TotalSize / 10;

    /// <summary>The build cache's records (<c>buildcache/</c>); the layers they name are in the image store.</summary>
    public BuildCache Cache => _cache ??= new BuildCache(Path.Combine(Directory, "buildcache"));

    public void Dispose() => Http.Dispose();

    private static string DirectoryOf(ParseResult parse) =>
        Path.GetFullPath(parse.GetValue(Option) ?? Environment.GetEnvironmentVariable("HYPER_ROOT") ?? DefaultDirectory);
}
