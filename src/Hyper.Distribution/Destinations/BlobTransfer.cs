using Hyper.Distribution.Content;
using Hyper.Distribution.Progress;
using Hyper.Oci;

namespace Hyper.Distribution.Destinations;

/// <summary>
/// Moves one blob from <see cref="IImageContent"/> into a writer, reporting it as it goes (running with bytes, then
/// done or failed), and reads the source to its end afterwards so that its digest is checked even when the writer
/// stops early (a tar reader stops at the end-of-archive marker).
/// </summary>
public static class BlobTransfer
{
    /// <summary>Writers that copy blobs concurrently use this many at once: enough to hide latency, few enough not to thrash disks.</summary>
    public const int ConcurrentBlobs = 3;

    /// <summary>Opens <paramref name="blob"/> in <paramref name="source"/> and hands the stream to <paramref name="write"/>.</summary>
    public static async Task CopyAsync(
        IImageContent source,
        Descriptor blob,
        string description,
        Func<Stream, CancellationToken, Task> write,
        IProgress<TransferProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(write);
        var id = blob.Digest.ToString();
        try
        {
            progress?.Report(new TransferProgress(id, description, 0, blob.Size, TransferState.Running));
            var content = await source.OpenBlobAsync(blob, 0, cancellationToken).ConfigureAwait(false);
            if (progress is not null)
            {
                content = new ProgressReportingStream(content, progress, id, description, blob.Size);
            }

            await using (content.ConfigureAwait(false))
            {
                await write(content, cancellationToken).ConfigureAwait(false);
                await content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }

            progress?.Report(new TransferProgress(id, description, blob.Size, blob.Size, TransferState.Done));
        }
        catch
        {
            progress?.Report(new TransferProgress(id, description, 0, blob.Size, TransferState.Failed));
            throw;
        }
    }

    /// <summary>Reports <paramref name="blob"/> as already at the destination.</summary>
    public static void ReportSkipped(Descriptor blob, string description, IProgress<TransferProgress>? progress)
    {
        ArgumentNullException.ThrowIfNull(blob);
        progress?.Report(new TransferProgress(blob.Digest.ToString(), description, blob.Size, blob.Size, TransferState.Skipped));
    }

    /// <summary>Reports every blob of <paramref name="graph"/> as waiting, so views show the whole image at once.</summary>
    public static void ReportWaiting(ImageGraph graph, IProgress<TransferProgress>? progress)
    {
        ArgumentNullException.ThrowIfNull(graph);
        foreach (var blob in graph.Blobs)
        {
            progress?.Report(new TransferProgress(blob.Digest.ToString(), graph.Describe(blob), 0, blob.Size, TransferState.Waiting));
        }
    }
}
