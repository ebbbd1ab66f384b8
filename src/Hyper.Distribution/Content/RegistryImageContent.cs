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

    public Task<Stream> OpenBlobAsync(Descriptor blob, long offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (offset != 0)
        {
            throw new NotSupportedException($"blob {blob.Digest} of {Reference} is read from its start only");
        }

        return _client.GetBlobAsync(Reference, blob, cancellationToken);
    }
}
