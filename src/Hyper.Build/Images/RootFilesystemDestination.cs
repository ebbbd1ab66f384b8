using Hyper.Build.Execution;
using Hyper.Distribution.Content;
using Hyper.Distribution.Destinations;
using Hyper.Distribution.Progress;
using Hyper.Oci;

namespace Hyper.Build.Images;

/// <summary>
/// An image unpacked into a directory (<c>hyperbuild pull --rootfs DIR</c>): its layers applied in order, streamed
/// from the source, OCI whiteouts deleting what lower layers put there, and nothing written outside the directory
/// (<see cref="LayerUnpacker"/> refuses entries that would escape). The tree is built beside the directory and moved
/// into place once every layer is applied and matches its diff ID, so a failure leaves no half-made root filesystem.
/// </summary>
/// <remarks>
/// Block and character devices are skipped unless <paramref name="devices"/> says otherwise (<c>--devices</c>), and
/// listed in <see cref="SkippedDevices"/>: the directory is wherever the user said, often reachable by other users, and
/// an image's <c>/dev/sda</c> with mode 0666 there would give them the host's disk. Container runtimes create the
/// devices a container needs themselves.
/// </remarks>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RootFilesystemDestination(string directory, bool devices = false) : IImageDestination
{
    private readonly List<string> _skippedDevices = [];

    public string Directory { get; } = string.IsNullOrEmpty(directory) ? throw new ArgumentException("the root filesystem needs a directory", nameof(directory)) : directory;

    /// <summary>The device nodes (paths in the image) not created, in the order met; empty when devices were asked for.</summary>
    public IReadOnlyList<string> SkippedDevices => _skippedDevices;

    public bool AcceptsIndex => false;

    public async Task<Descriptor> WriteAsync(IImageContent image, IProgress<TransferProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        var manifest = image.Manifest;
        if (manifest.Image is not { } parsed)
        {
            throw new ArgumentException($"{manifest.Digest} is an index: a root filesystem is one image's, so choose the platform's image first", nameof(image));
        }

        var target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Directory));
        // Whiteouts delete: applied onto a directory with files of its own, a layer could remove the user's files.
        if (File.Exists(target) || (System.IO.Directory.Exists(target) && System.IO.Directory.EnumerateFileSystemEntries(target).Any()))
        {
            throw new IOException($"cannot unpack a root filesystem into '{target}': it exists and is not an empty directory; choose a new or empty directory");
        }

        var config = ImageConfig.Parse(await ImageContentDocuments.ReadAsync(image, parsed.Config, cancellationToken).ConfigureAwait(false));
        if (config.RootFs.DiffIds.Count != parsed.Layers.Count)
        {
            throw new InvalidOciDocumentException(
                $"manifest {manifest.Digest} has {parsed.Layers.Count} layers, but its config lists {config.RootFs.DiffIds.Count} diff IDs: the image is inconsistent");
        }

        var graph = await ImageGraph.LoadAsync(image, cancellationToken).ConfigureAwait(false);
        BlobTransfer.ReportWaiting(graph, progress);
        BlobTransfer.ReportSkipped(parsed.Config, graph.Describe(parsed.Config), progress);
        using var staging = ScratchDirectory.Beside(target);
        var root = Path.Combine(staging.Path, "rootfs");
        System.IO.Directory.CreateDirectory(root);
        for (var i = 0; i < parsed.Layers.Count; i++)
        {
            var layer = parsed.Layers[i];
            if (layer.Urls is { Count: > 0 })
            {
                throw new NotSupportedException($"layer {i} ({layer.Digest}) is a foreign layer, fetched from {layer.Urls[0]}: unpacking those is not supported");
            }

            var expected = config.RootFs.DiffIds[i];
            await BlobTransfer.CopyAsync(image, layer, graph.Describe(layer), async (content, ct) =>
            {
                var diffId = devices
                    ? await LayerUnpacker.ApplyAsync(content, root, ct).ConfigureAwait(false)
                    : await LayerUnpacker.ApplyWithoutDevicesAsync(content, root, _skippedDevices, ct).ConfigureAwait(false);
                if (diffId != expected)
                {
                    throw new DigestMismatchException(expected, diffId,
                        $"layer {i} ({layer.Digest}) unpacks to a tar with diff ID {diffId}, but the config lists {expected}: the image is inconsistent");
                }
            }, progress, cancellationToken).ConfigureAwait(false);
        }

        if (System.IO.Directory.Exists(target))
        {
            System.IO.Directory.Delete(target);
        }

        System.IO.Directory.Move(root, target);
        return manifest.ToDescriptor();
    }
}
