using Hyper.Build.Execution;
using Hyper.Distribution.Content;
using Hyper.Distribution.Destinations;
using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Build.Images;

/// <summary>Writes an image from the local store to an OCI layout or archive, a docker archive, or a directory.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class ImageExporter
{
    /// <summary>
    /// Writes <paramref name="manifest"/> (its blobs in <paramref name="store"/>) to <paramref name="output"/>,
    /// named by <paramref name="names"/> where the format keeps names.
    /// </summary>
    public static async Task ExportAsync(ImageStore store, Manifest manifest, ImageOutput output, IReadOnlyList<Reference> names, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(names);
        var destination = Path.GetFullPath(output.Destination ?? throw new ArgumentException("the output has no destination", nameof(output)));
        switch (output.Type)
        {
            case OutputType.Oci when destination.EndsWith(".tar", StringComparison.Ordinal):
                var staging = Path.Combine(Path.GetDirectoryName(destination)!, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}");
                try
                {
                    var layout = await WriteLayoutAsync(store, manifest, staging, names, cancellationToken).ConfigureAwait(false);
                    await OciArchive.WriteAsync(layout, destination, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (Directory.Exists(staging))
                    {
                        Directory.Delete(staging, recursive: true);
                    }
                }

                break;
            case OutputType.Oci:
                await WriteLayoutAsync(store, manifest, destination, names, cancellationToken).ConfigureAwait(false);
                break;
            case OutputType.Docker:
                var tags = names.Select(static n => n.ToFamiliarString()).ToList();
                await DockerArchive.WriteAsync(store.Layout, manifest, tags, destination, cancellationToken).ConfigureAwait(false);
                break;
            case OutputType.Local:
                await UnpackAsync(store, manifest, destination, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new NotSupportedException($"output type {output.Type} is not written by the exporter");
        }
    }

    /// <summary>The image as an OCI layout in <paramref name="directory"/> (created or added to), tagged with each name's tag.</summary>
    private static async Task<OciLayout> WriteLayoutAsync(ImageStore store, Manifest manifest, string directory, IReadOnlyList<Reference> names, CancellationToken cancellationToken)
    {
        var layout = await OciLayout.CreateAsync(directory, cancellationToken).ConfigureAwait(false);
        await OciLayoutDestination.CopyContentAsync(new LayoutImageContent(store.Layout, manifest), layout, progress: null, cancellationToken).ConfigureAwait(false);

        // Tags only, as buildx's oci exporter writes ref.name, so `skopeo copy oci:DIR:TAG` and `umoci --image DIR:TAG` find it.
        var tags = names.Select(static n => n.Tag).OfType<string>().Distinct().ToList();
        if (tags.Count == 0)
        {
            await layout.AddManifestAsync(manifest, Reference.DefaultTag, platform: null, cancellationToken).ConfigureAwait(false);
        }

        foreach (var tag in tags)
        {
            await layout.AddManifestAsync(manifest, tag, platform: null, cancellationToken).ConfigureAwait(false);
        }

        return layout;
    }

    /// <summary>The image's root filesystem: its layers applied in order onto <paramref name="directory"/>, whiteouts deleting what they hide.</summary>
    private static async Task UnpackAsync(ImageStore store, Manifest manifest, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        foreach (var layer in manifest.Image?.Layers ?? [])
        {
            var content = store.Layout.OpenBlob(layer);
            await using (content.ConfigureAwait(false))
            {
                await LayerUnpacker.ApplyAsync(content, directory, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
