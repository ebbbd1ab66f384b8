using Hyper.Build.Cache;
using Hyper.Build.Execution;
using Hyper.Build.Images;

namespace Hyper.Build.Engine;

/// <summary>
/// Runs builds: plans the Dockerfile, gets base images, executes each step on overlayfs snapshots (RUN
/// in a container through the OCI runtime, COPY and ADD written straight into the snapshot), turns each
/// step's changes into a layer and stores the image in the local image store.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class Builder
{
    /// <param name="images">The local image store: base images, layers and the results.</param>
    /// <param name="snapshots">Unpacked layers and the snapshots steps run in.</param>
    /// <param name="containers">Runs RUN steps in containers.</param>
    /// <param name="imageSource">Where base images come from (the store, a registry).</param>
    /// <param name="http">For ADD of http(s) URLs.</param>
    /// <param name="cache">The build cache: what steps produced, by cache key.</param>
    public Builder(ImageStore images, SnapshotStore snapshots, ContainerLauncher containers, IImageSource imageSource, HttpClient http, BuildCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(snapshots);
        ArgumentNullException.ThrowIfNull(containers);
        ArgumentNullException.ThrowIfNull(imageSource);
        ArgumentNullException.ThrowIfNull(http);
        Images = images;
        Snapshots = snapshots;
        Containers = containers;
        ImageSource = imageSource;
        Http = http;
        Cache = cache;
    }

    public ImageStore Images { get; }

    public SnapshotStore Snapshots { get; }

    public ContainerLauncher Containers { get; }

    public IImageSource ImageSource { get; }

    public HttpClient Http { get; }

    public BuildCache Cache { get; }

    /// <summary>Builds <paramref name="request"/>, reporting each step to <paramref name="progress"/>.</summary>
    /// <exception cref="Dockerfile.DockerfileException">The Dockerfile cannot be built as written.</exception>
    /// <exception cref="BuildFailedException">A step failed; the message names the line.</exception>
    public Task<BuildResult> BuildAsync(BuildRequest request, IBuildProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(progress);
        return new BuildSession(this, request, progress).RunAsync(cancellationToken);
    }
}
