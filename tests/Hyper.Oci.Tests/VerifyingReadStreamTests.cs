using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Hyper.Oci.Tests;

public sealed class VerifyingReadStreamTests
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes("hello, verified world");

    [Fact]
    public async Task A_zero_length_read_is_not_the_end_of_the_stream()
    {
        await using var stream = new VerifyingReadStream(new MemoryStream(Content), Digest.Compute(Content), Content.Length, "blob");
        var buffer = new byte[5];

        Assert.Equal(5, await stream.ReadAsync(buffer));
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty));
        Assert.Equal(0, stream.Read([], 0, 0));
        Assert.Equal(0, stream.Read(Span<byte>.Empty));
        var rest = new MemoryStream();
        await stream.CopyToAsync(rest);

        Assert.Equal(Content[5..], rest.ToArray());
    }

    [Fact]
    public async Task A_short_blob_still_fails_at_its_real_end()
    {
        await using var stream = new VerifyingReadStream(new MemoryStream(Content), Digest.Compute(Content), Content.Length + 1, "blob");

        var error = await Assert.ThrowsAsync<DigestMismatchException>(() => stream.CopyToAsync(Stream.Null));

        Assert.Contains($"is {Content.Length} bytes, but its descriptor says {Content.Length + 1}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tar_read_through_it_entry_by_entry_verifies()
    {
        // TarReader asks for zero bytes after each entry's data: the bug this guards read that as the end.
        var tar = new MemoryStream();
        await using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var name in new[] { "a.txt", "b.txt" })
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Content) };
                await writer.WriteEntryAsync(entry);
            }
        }

        var bytes = tar.ToArray();
        var compressed = new MemoryStream();
        await using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(bytes);
        }

        // Read as a download is: forward only, through a decompressor.
        compressed.Position = 0;
        var download = new GZipStream(compressed, CompressionMode.Decompress);
        await using var stream = new VerifyingReadStream(download, Digest.Compute(bytes), bytes.Length, "layer");
        var names = new List<string>();
        await using (var reader = new TarReader(stream, leaveOpen: true))
        {
            while (await reader.GetNextEntryAsync(copyData: false) is { } entry)
            {
                names.Add(entry.Name);
                var data = new MemoryStream();
                await entry.DataStream!.CopyToAsync(data);
                Assert.Equal(Content, data.ToArray());
            }
        }

        await stream.VerifyToEndAsync(CancellationToken.None);
        Assert.Equal(["a.txt", "b.txt"], names);
    }
}
