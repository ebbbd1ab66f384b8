using Hyper.Oci;

namespace Hyper.Build.Images;

/// <summary>An image in the local <see cref="ImageStore"/>: one index entry, with its manifest and config read.</summary>
/// <param name="Name">The reference it is tagged with, or null for an untagged image.</param>
/// <param name="Descriptor">The index entry (the manifest's descriptor).</param>
/// <param name="Manifest">The image manifest, exact bytes.</param>
/// <param name="Config">The parsed image config.</param>
public sealed record StoredImage(Reference? Name, Descriptor Descriptor, Manifest Manifest, ImageConfig Config)
{
    /// <summary>The image ID as docker and podman show it: the digest of the config.</summary>
    public Digest Id => Manifest.Image!.Config.Digest;

    /// <summary>Bytes of the config and the (compressed) layers.</summary>
    public long Size => Manifest.Blobs.Sum(static b => b.Size);
}
