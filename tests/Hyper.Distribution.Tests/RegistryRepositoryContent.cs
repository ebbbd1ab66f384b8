using Hyper.Distribution.Content;

namespace Hyper.Distribution.Tests;

/// <summary>Content read from a layout but claimed to live in a registry repository too, so a push can mount from there.</summary>
internal sealed class RegistryRepositoryContent(IImageContent inner, Reference repository) : IImageContent
{
    public Manifest Manifest => inner.Manifest;

    public Reference? RegistryRepository => repository;

    public Task<Manifest> GetManifestAsync(Descriptor descriptor, CancellationToken cancellationToken) =>
        inner.GetManifestAsync(descriptor, cancellationToken);

    public Task<Stream> OpenBlobAsync(Descriptor blob, long offset, CancellationToken cancellationToken) =>
        inner.OpenBlobAsync(blob, offset, cancellationToken);
}
