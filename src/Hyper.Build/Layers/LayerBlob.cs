using Hyper.Oci;

namespace Hyper.Build.Layers;

/// <summary>A layer as written: the digest of its uncompressed tar (the image config's diff id) and
/// the digest, size and media type of the blob itself (the manifest's layer descriptor).</summary>
public sealed record LayerBlob(Digest DiffId, Digest Digest, long Size, string MediaType);
