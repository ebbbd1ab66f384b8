using Hyper.Distribution.Registry;
using Hyper.Oci;

namespace Hyper.Distribution.Content;

/// <summary>
/// An image (or index) in a registry repository as <see cref="IImageContent"/>: manifests fetched by digest,
/// blobs streamed from the registry as they are read, so a copy to anywhere needs no copy on disk first.
/// </summary>
public sealed class RegistryImageContent : IImageContent
{
    private readonly RegistryClient _client;

    private RegistryImageContent(RegistryClient client, Reference reference, Manifest manifest)
    {
        _client = client;
        Reference = reference;
        Manifest = manifest;
    }

    /// <summary>The reference as given (tag kept), for messages.</summary>
    public Reference Reference { get; }

    public Manifest Manifest { get; }

    /// <summary>The repository the blobs are in, so a push to another repository of the same registry mounts them.</summary>
    public Reference? RegistryRepository => Reference;

    /// <summary>Fetches the manifest <paramref name="reference"/> names; throws <see cref="RegistryClientException"/> when there is none.</summary>
    public static async Task<RegistryImageContent> OpenAsync(RegistryClient client, Reference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(reference);
        var manifest = await client.GetManifestAsync(reference, cancellationToken).ConfigureAwait(false);
        return new RegistryImageContent(client, reference, manifest);
    }

    public async Task<Manifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var manifest = await _client.GetManifestAsync(Reference.WithDigest(descriptor.Digest), cancellationToken).ConfigureAwait(false);
        if (manifest.Bytes.Length != descriptor.Size)
        {
            throw new RegistryClientException(
                $"manifest {descriptor.Digest} of {Reference} is {manifest.Bytes.Length} bytes, but the index says {descriptor.Size}",
                RegistryErrorCodes.InvalidResponse);
        }

        return manifest;
    }

    /// <summary>
    /// The blob from <paramref name="offset"/> on. A resumed upload (registry to registry) asks for the rest after a
    /// break; that is read from the start and the first bytes skipped, so the digest is still checked at the end.
    /// </summary>
    public async Task<Stream> OpenBlobAsync(Descriptor blob, long offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var content = await _client.GetBlobAsync(Reference, blob, cancellationToken).ConfigureAwait(false);
        if (offset == 0)
        {
            return content;
        }

        try
        {
            var buffer = new byte[81920];
            for (var skipped = 0L; skipped < offset;)
            {
                var read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, offset - skipped)), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new RegistryClientException($"blob {blob.Digest} of {Reference} ended before byte {offset}", RegistryErrorCodes.InvalidResponse);
                }

                skipped += read;
            }

            return content;
        }
        catch
        {
            await content.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
