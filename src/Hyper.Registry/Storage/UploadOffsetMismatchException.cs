namespace Hyper.Registry.Storage;

/// <summary>
/// A chunk was sent for an offset other than the upload's current length, or while another chunk is
/// still being appended to the upload (spec: 416; the client asks for the upload's status and resumes
/// from the length it reports).
/// </summary>
/// <param name="uploadId">The upload the chunk was for.</param>
/// <param name="expected">The offset the chunk was sent for.</param>
/// <param name="actual">The upload's length, where the next chunk must start.</param>
/// <param name="message">Replaces the default message when it would mislead, e.g. when the offset
/// matched but another request holds the upload.</param>
public sealed class UploadOffsetMismatchException(string uploadId, long expected, long actual, string? message = null)
    : IOException(message ?? $"upload {uploadId} has {actual} bytes; a chunk must start there, not at {expected}")
{
    public long CurrentLength { get; } = actual;
}
