using System.Net;

namespace Hyper.Distribution.Registry;

/// <summary>The next <paramref name="sliceLength"/> bytes of <paramref name="source"/> as a request body (one upload chunk); the source stays open.</summary>
internal sealed class StreamSliceContent(Stream source, long sliceLength) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        var left = sliceLength;
        while (left > 0)
        {
            var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new InvalidDataException($"the content ended {left} bytes short of what its descriptor says");
            }

            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            left -= read;
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = sliceLength;
        return true;
    }
}
