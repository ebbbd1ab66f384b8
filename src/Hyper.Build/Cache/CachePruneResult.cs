namespace Hyper.Build.Cache;

/// <summary>What <see cref="BuildCache.PruneAsync"/> removed.</summary>
/// <param name="Records">Cache records deleted.</param>
/// <param name="BlobBytes">Bytes of blobs deleted from the image store (no image and no remaining record needed them).</param>
/// <param name="UnpackedLayers">Unpacked layer directories deleted from the snapshot store.</param>
public sealed record CachePruneResult(int Records, long BlobBytes, int UnpackedLayers);
