using Hyper.Oci;

namespace Hyper.Distribution;

/// <summary>An image <see cref="ImagePuller"/> brought into an OCI layout: everything the layout now holds of it, parsed.</summary>
/// <param name="Reference">What was pulled, with the digest of the chosen image manifest.</param>
/// <param name="Manifest">The image manifest, exact bytes (OCI or Docker schema 2, as the registry had it).</param>
/// <param name="ManifestDescriptor">Points at <paramref name="Manifest"/>; carries the platform when chosen from an index.</param>
/// <param name="Index">The index or manifest list the reference named, when it named one.</param>
/// <param name="Config">The parsed image config.</param>
/// <param name="ConfigBytes">The config exactly as stored, for hashing or passing on unchanged.</param>
public sealed record PulledImage(
    Reference Reference,
    Manifest Manifest,
    Descriptor ManifestDescriptor,
    Manifest? Index,
    ImageConfig Config,
    ReadOnlyMemory<byte> ConfigBytes)
{
    /// <summary>The parsed view of <see cref="Manifest"/>.</summary>
    public ImageManifest Image => Manifest.Image ?? throw new InvalidOperationException("a pulled image always has an image manifest");

    public Descriptor ConfigDescriptor => Image.Config;

    public IReadOnlyList<Descriptor> Layers => Image.Layers;
}
