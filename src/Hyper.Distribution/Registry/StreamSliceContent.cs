using System.Net;

namespace Hyper.Distribution.Registry;

/// <summary>
/// The next <paramref name="sliceLength"/> bytes of <paramref name="source"/> as a request body (one upload chunk); the
/// source stays open. Sent again (after an auth challenge, or a redirect that keeps the body), the slice is read
/// from a stream <paramref name="reopen"/> opens at its start, so no blob is ever held in memory to be resent.
/// </summary>
internal sealed class StreamSliceContent(Stream source, long sliceLength, Func<CancellationToken, Task<Stream>> reopen) : HttpContent
{
    private int _sends;

    /// <summary>True once the slice was sent more than once: the source stream was read part-way, so it is not at the slice's end.</summary>
    public bool WasResent => Volatile.Read(ref _sends) > 1;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _sends) == 1)
        {
            await CopySliceAsync(source, stream, cancellationToken).ConfigureAwait(false);
            return;
        }

        var again = await reopen(cancellationToken).ConfigureAwait(false);
        await using (again.ConfigureAwait(false))
        {
            await CopySliceAsync(again, stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = sliceLength;
        return true;
    }

    private async Task CopySliceAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        var left = sliceLength;
        while (left > 0)
        {
            var read = await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new InvalidDataException($"the content ended {left} bytes short of what its descriptor says");
            }

            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            left -= read;
        }
    }
}
