using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Distribution.Content;

/// <summary>Reads the small JSON blobs of an image (its config) whole from <see cref="IImageContent"/>, verified.</summary>
public static class ImageContentDocuments
{
    /// <summary>
    /// The bytes of <paramref name="blob"/>, checked against its digest; refused over <see cref="OciLayout.MaxDocumentSize"/>,
    /// as nothing that size is a config.
    /// </summary>
    public static async Task<byte[]> ReadAsync(IImageContent image, Descriptor blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(blob);
        if (blob.Size > OciLayout.MaxDocumentSize)
        {
            throw new InvalidOciDocumentException($"blob {blob.Digest} ({blob.MediaType}) is {blob.Size} bytes, more than a config may have");
        }

        var bytes = new byte[blob.Size];
        var content = await image.OpenBlobAsync(blob, 0, cancellationToken).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
        {
            await content.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
            // Reading past the end makes the stream check the digest.
            await content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        return bytes;
    }
}
