using Hyper.Oci.Layout;

namespace Hyper.Distribution.Content;

/// <summary>
/// Images in archives (<c>oci-archive:</c>, <c>docker-archive:</c>) as <see cref="IImageContent"/>. A tar cannot be
/// read at random, and a docker archive's layers need manifests written for them, so the archive is unpacked into a
/// layout in a scratch directory first (verified on the way) and read from there.
/// </summary>
public static class ArchiveImageContent
{
    /// <summary>
    /// The image tagged <paramref name="tag"/> (or the only one) in the OCI archive <paramref name="archivePath"/>,
    /// unpacked into <paramref name="scratch"/>. Throws <see cref="KeyNotFoundException"/> when there is no such tag.
    /// </summary>
    public static async Task<LayoutImageContent> ReadOciArchiveAsync(string archivePath, string? tag, ScratchDirectory scratch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        ArgumentNullException.ThrowIfNull(scratch);
        if (!File.Exists(archivePath))
        {
            throw new FileNotFoundException($"there is no OCI archive at '{Path.GetFullPath(archivePath)}'", archivePath);
        }

        var layout = await OciArchive.ExtractAsync(archivePath, Path.Combine(scratch.Path, "oci-archive"), cancellationToken).ConfigureAwait(false);
        var manifest = await layout.ResolveAsync(tag, cancellationToken).ConfigureAwait(false);
        return new LayoutImageContent(layout, manifest);
    }

    /// <summary>
    /// The image named <paramref name="repoTag"/> (or the only one) in the docker archive <paramref name="archivePath"/>,
    /// as an OCI image in a layout in <paramref name="scratch"/>: config and layers as they are, a new OCI manifest.
    /// </summary>
    public static async Task<LayoutImageContent> ReadDockerArchiveAsync(string archivePath, string? repoTag, ScratchDirectory scratch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        ArgumentNullException.ThrowIfNull(scratch);
        if (!File.Exists(archivePath))
        {
            throw new FileNotFoundException($"there is no docker archive at '{Path.GetFullPath(archivePath)}'", archivePath);
        }

        var layout = await OciLayout.CreateAsync(Path.Combine(scratch.Path, "docker-archive"), cancellationToken).ConfigureAwait(false);
        var manifest = await DockerArchive.ReadIntoAsync(archivePath, layout, repoTag, tag: null, cancellationToken).ConfigureAwait(false);
        return new LayoutImageContent(layout, manifest);
    }
}
