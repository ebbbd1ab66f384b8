namespace Hyper.Registry.Storage;

/// <summary>A chunk was sent for an offset other than the upload's current length (spec: 416).</summary>
public sealed class UploadOffsetMismatchException(string uploadId, long expected, long actual)
    : IOException($"upload {uploadId} has {actual} bytes; a chunk must start there, not at {expected}")
{
    public long CurrentLength { get; } = actual;
}
