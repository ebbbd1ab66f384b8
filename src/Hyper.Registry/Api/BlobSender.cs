using Microsoft.AspNetCore.Http.Features;
using Microsoft.Win32.SafeHandles;

namespace Hyper.Registry.Api;

/// <summary>
/// Sends a whole blob file as the response body. Kestrel has no zero-copy sendfile, and its generic
/// file result copies in 64 KiB steps through a FileStream; reading large pieces straight from the
/// file handle into the response roughly doubles the rate (measured with curl on a 512 MiB blob).
/// </summary>
internal static class BlobSender
{
    /// <summary>Read size per step: large enough that per-step costs vanish.</summary>
    private const int ChunkSize = 1024 * 1024;

    public static async Task SendAsync(HttpContext context, string path, long length, CancellationToken cancellationToken)
    {
        context.Response.ContentLength = length;
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, FileOptions.SequentialScan);
        var writer = context.Response.BodyWriter;
        long offset = 0;
        while (offset < length)
        {
            // Reading straight into the response pipe's memory saves a copy per byte.
            var memory = writer.GetMemory(ChunkSize);
            var want = (int)Math.Min(memory.Length, length - offset);
            var read = await RandomAccess.ReadAsync(file, memory[..want], offset, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                // The file shrank under us: end the connection rather than send a short body as whole.
                context.Abort();
                return;
            }

            writer.Advance(read);
            offset += read;
            var flushed = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flushed.IsCanceled || flushed.IsCompleted)
            {
                return;
            }
        }
    }
}
