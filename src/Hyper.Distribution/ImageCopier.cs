using Hyper.Distribution.Content;
using Hyper.Distribution.Destinations;
using Hyper.Distribution.Progress;
using Hyper.Oci;

namespace Hyper.Distribution;

/// <summary>
/// Copies an image from any source to any destination, as <c>skopeo copy</c> does: from an index, the image for one
/// platform by default, or the whole index with <c>allPlatforms</c> where the destination can hold it.
/// </summary>
public static class ImageCopier
{
    /// <summary>
    /// Writes <paramref name="source"/> (named <paramref name="sourceName"/> in messages) to <paramref name="destination"/>
    /// and returns the descriptor of the manifest written. Throws <see cref="PlatformNotFoundException"/> when an index
    /// has nothing for <paramref name="platform"/>, and <see cref="InvalidOperationException"/> when a whole index is
    /// asked for but the destination holds one image.
    /// </summary>
    public static async Task<Descriptor> CopyAsync(
        IImageContent source,
        string sourceName,
        IImageDestination destination,
        Platform platform,
        bool allPlatforms,
        IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(platform);
        if (source.Manifest.Index is not null)
        {
            if (allPlatforms && !destination.AcceptsIndex)
            {
                throw new InvalidOperationException(
                    $"{sourceName} is an index of several images, but the destination holds one: leave out --all and choose one with --platform");
            }

            if (!allPlatforms)
            {
                source = await PlatformImageContent.SelectAsync(source, platform, sourceName, cancellationToken).ConfigureAwait(false);
            }
        }

        return await destination.WriteAsync(source, progress, cancellationToken).ConfigureAwait(false);
    }
}
